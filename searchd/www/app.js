/*
 * app.js: the search page. Plain JavaScript, no build step, no other hosts.
 *
 * The page talks to searchd's JSON API on its own origin: GET /suggest as
 * the user types (debounced; stale answers dropped), GET /search on submit.
 * Text from the API goes into the page with textContent, except
 * highlights.assignment and highlights.status, which searchd sends already
 * HTML-escaped with <mark> around the matches. The state (q, years, page)
 * lives in the URL, so reload, back and shared links work.
 */
'use strict';
(function () {
  const PAGE_SIZE = 10;
  const SUGGEST_DELAY_MS = 120;
  const $ = (id) => document.getElementById(id);
  const input = $('q');
  const list = $('suggestions');
  const form = $('search');
  const state = { q: '', from: '', to: '', page: 0 };
  const knownYears = new Set();
  let options = [];          /* suggestion texts, in list order */
  let active = -1;           /* index of the highlighted suggestion */
  let timer = 0;
  let suggestSeq = 0;
  let suggestCtl = null;
  let searchCtl = null;

  function el(tag, props, children) {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    (children || []).forEach((c) => e.append(c));
    return e;
  }

  /* ---- URL state ------------------------------------------------------ */

  function readUrl() {
    const u = new URLSearchParams(location.search);
    state.q = u.get('q') || '';
    state.from = /^\d{4}$/.test(u.get('from') || '') ? u.get('from') : '';
    state.to = /^\d{4}$/.test(u.get('to') || '') ? u.get('to') : '';
    const page = parseInt(u.get('page') || '1', 10);
    state.page = page > 1 ? page - 1 : 0;
  }

  function writeUrl(push) {
    const u = new URLSearchParams();
    if (state.q) u.set('q', state.q);
    if (state.from) u.set('from', state.from);
    if (state.to) u.set('to', state.to);
    if (state.page > 0) u.set('page', String(state.page + 1));
    const url = u.toString() ? '?' + u.toString() : location.pathname;
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  /* ---- suggestions (ARIA combobox) ------------------------------------ */

  function closeList() {
    list.hidden = true;
    list.replaceChildren();
    options = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function setActive(i) {
    const items = list.querySelectorAll('[role="option"]');
    items.forEach((li, k) => li.setAttribute('aria-selected', k === i ? 'true' : 'false'));
    active = i;
    if (i >= 0 && items[i]) {
      input.setAttribute('aria-activedescendant', items[i].id);
      items[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  /* The suggestion with the part the user has not typed in bold. */
  function suggestionLabel(text, typed) {
    const n = typed.length;
    if (text.slice(0, n).toLowerCase() === typed.toLowerCase()) {
      return [text.slice(0, n), el('b', { textContent: text.slice(n) })];
    }
    return [text];
  }

  function renderSuggestions(d, typed) {
    closeList();
    (d.suggestions || []).forEach((s, i) => {
      const li = el('li', { id: 'sug-' + i, className: 'option' }, [
        el('span', { className: 'text' }, suggestionLabel(s.text, typed)),
        el('span', { className: 'count', textContent: s.count === 1 ? '1 rad' : s.count + ' rader' }),
      ]);
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.addEventListener('mousedown', (e) => { e.preventDefault(); pick(i); });
      li.addEventListener('mousemove', () => { if (active !== i) setActive(i); });
      list.append(li);
      options.push(s.text);
    });
    (d.hits || []).forEach((h, i) => {
      const li = el('li', { id: 'sug-hit-' + i, className: 'option hit-preview' }, [
        el('span', { className: 'text', textContent: h.assignment }),
        el('span', { className: 'count', textContent: h.report_date }),
      ]);
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.title = h.assignment;
      const k = options.length;
      li.addEventListener('mousedown', (e) => { e.preventDefault(); pick(k); });
      li.addEventListener('mousemove', () => { if (active !== k) setActive(k); });
      list.append(li);
      /* Picking a row searches for it: its first words as a phrase. */
      options.push('"' + h.assignment.replace(/["*]/g, ' ').split(/\s+/).filter(Boolean).slice(0, 12).join(' ') + '"');
    });
    if (options.length) {
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }
    announce(options.length ? (options.length === 1 ? '1 förslag' : options.length + ' förslag') +
      ', välj med pil upp och ned' : '');
  }

  /* Tell screen readers how many suggestions there are (once it settles). */
  let announceTimer = 0;
  function announce(text) {
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => { $('sug-status').textContent = text; }, 400);
  }

  async function fetchSuggestions() {
    const typed = input.value;
    const seq = ++suggestSeq;
    if (typed.trim().length < 2) { closeList(); return; }
    if (suggestCtl) suggestCtl.abort();
    suggestCtl = new AbortController();
    try {
      const r = await fetch('/suggest?limit=8&q=' + encodeURIComponent(typed), { signal: suggestCtl.signal });
      if (!r.ok) { closeList(); return; }
      const d = await r.json();
      if (seq !== suggestSeq || input.value !== typed) return;  /* stale */
      renderSuggestions(d, typed);
    } catch (e) {
      if (e.name !== 'AbortError') closeList();
    }
  }

  function pick(i) {
    if (i < 0 || i >= options.length) return;
    input.value = options[i];
    closeList();
    submit();
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, SUGGEST_DELAY_MS);
  });

  /* The ARIA combobox keys: down and up move through the list and back to
   * the box (no option active), Enter picks, Escape closes. */
  input.addEventListener('keydown', (e) => {
    const n = options.length;
    if (e.isComposing || e.keyCode === 229) return;   /* an IME is composing */
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (list.hidden) { fetchSuggestions(); return; }
      setActive(active + 1 < n ? active + 1 : -1);
    } else if (e.key === 'ArrowUp') {
      if (list.hidden) return;
      e.preventDefault();
      setActive(active === -1 ? n - 1 : active - 1);
    } else if (e.key === 'Enter') {
      if (!list.hidden && active >= 0) { e.preventDefault(); pick(active); }
    } else if (e.key === 'Escape') {
      if (!list.hidden) { e.preventDefault(); closeList(); }
    }
  });

  input.addEventListener('blur', () => setTimeout(closeList, 150));

  /* ---- search ---------------------------------------------------------- */

  function submit() {
    clearTimeout(timer);
    suggestSeq++;            /* an answer on its way is stale now */
    closeList();
    state.q = input.value.trim();
    state.page = 0;
    writeUrl(true);
    runSearch();
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });

  function searchUrl() {
    const u = new URLSearchParams({ q: state.q, limit: String(PAGE_SIZE), offset: String(state.page * PAGE_SIZE) });
    if (state.from) u.set('from', state.from + '-01-01');
    if (state.to) u.set('to', state.to + '-12-31');
    return '/search?' + u.toString();
  }

  async function runSearch() {
    const status = $('status');
    $('intro').hidden = !!state.q;
    syncYearControls();
    if (!state.q) {
      if (searchCtl) searchCtl.abort();
      document.title = 'Sök i återrapporteringen';
      status.textContent = '';
      $('results').replaceChildren();
      $('notices').replaceChildren();
      $('pages').replaceChildren();
      $('year-facet').replaceChildren();
      return;
    }
    if (searchCtl) searchCtl.abort();
    const ctl = new AbortController();
    searchCtl = ctl;
    document.body.classList.add('busy');
    $('results').setAttribute('aria-busy', 'true');
    try {
      let r;
      try {
        r = await fetch(searchUrl(), { signal: ctl.signal });
      } catch (e) {
        if (e.name === 'AbortError') return;
        throw new SearchFailure(0, String(e));
      }
      let d = null;
      try {
        d = await r.json();
      } catch (e) {
        if (e.name === 'AbortError') throw e;
        d = null;                       /* not JSON: a proxy's HTML page */
      }
      if (!r.ok || !d) throw new SearchFailure(r.ok ? 502 : r.status, d && d.error);
      render(d);
    } catch (e) {
      if (e.name === 'AbortError') return;
      if (e instanceof SearchFailure) renderError(e.status, e.detail);
      else { console.warn('showing the results failed:', e); renderError(-1, ''); }
    } finally {
      if (searchCtl === ctl) {          /* not when a newer search took over */
        document.body.classList.remove('busy');
        $('results').removeAttribute('aria-busy');
      }
    }
  }

  /* A failed /search: HTTP status (0: no answer at all) and searchd's message. */
  function SearchFailure(status, detail) {
    this.status = status;
    this.detail = detail || '';
  }

  /* What went wrong, in words for the person searching, by HTTP status. */
  const ERRORS = [
    [0, 'Kunde inte nå söktjänsten. Kontrollera nätverksanslutningen och försök igen.', true],
    [503, 'Sökningen tog för lång tid, eller söktjänsten är upptagen just nu. Försök igen om en stund, ' +
          'eller gör sökningen mer precis med fler ord eller ett årsintervall.', true],
    [414, 'Sökfrågan är för lång. Korta ner den och försök igen.', false],
    [413, 'Sökfrågan är för lång. Korta ner den och försök igen.', false],
    [400, 'Sökningen kunde inte göras med de här inställningarna. Ändra sökfrågan eller filtren och försök igen.', false],
    [429, 'Söktjänsten får för många frågor just nu. Vänta en stund och försök igen.', true],
  ];

  function renderError(code, detail) {
    const known = ERRORS.find((x) => x[0] === code);
    const text = known ? known[1] : 'Något gick fel' + (code > 0 ? ' i söktjänsten (fel ' + code + ')' : '') +
      '. Försök igen om en stund.';
    const retry = known ? known[2] : true;
    if (detail) console.warn('search failed:', code, detail);
    $('status').textContent = 'Sökningen misslyckades';
    const p = el('div', { className: 'notice error' }, [el('p', { textContent: text })]);
    p.setAttribute('role', 'alert');
    if (retry) {
      const b = el('button', { type: 'button', className: 'again', textContent: 'Försök igen' });
      b.addEventListener('click', () => runSearch());
      p.append(b);
    }
    $('notices').replaceChildren(p);
    $('results').replaceChildren();
    $('pages').replaceChildren();
    $('year-facet').replaceChildren();
  }

  const MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli',
                  'augusti', 'september', 'oktober', 'november', 'december'];

  function formatDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    return m ? parseInt(m[3], 10) + ' ' + MONTHS[parseInt(m[2], 10) - 1] + ' ' + m[1] : (iso || '');
  }

  /* At most n characters of z (a pasted page of text need not be echoed whole). */
  function shorten(z, n) {
    const chars = Array.from(z);
    return chars.length > n ? chars.slice(0, n - 1).join('') + '…' : z;
  }

  function yearLabel() {
    if (state.from && state.to && state.from === state.to) return ' år ' + state.from;
    if (state.from && state.to) return ' åren ' + state.from + '–' + state.to;
    if (state.from) return ' från ' + state.from;
    if (state.to) return ' till och med ' + state.to;
    return '';
  }

  function renderNotices(d) {
    const box = $('notices');
    box.replaceChildren();
    if (d.corrected) {
      /* "Did you mean": the typed word found nothing, so the results are
       * for the correction; one click puts the correction in the box. */
      const from = d.corrected.from.toLowerCase();
      const fixed = state.q.split(/\s+/).map((w) => (w.toLowerCase() === from ? d.corrected.to : w)).join(' ');
      const why = el('span', { className: 'why' }, [
        'Inga träffar för ', el('q', { textContent: d.corrected.from }), ', så träffarna nedan gäller ',
        el('strong', { textContent: d.corrected.to }), '.',
      ]);
      const p = el('p', { className: 'notice did-you-mean' });
      if (fixed !== state.q) {
        const fix = el('button', { type: 'button', className: 'link', textContent: fixed });
        fix.addEventListener('click', () => { input.value = fixed; submit(); });
        p.append('Menade du ', fix, '? ');
      }
      p.append(why);
      box.append(p);
    }
    if (d.suggested) {
      /* A correctly spelled word that found nothing: the near word of the
       * index is only offered, one click away. */
      const from = d.suggested.from.toLowerCase();
      const fixed = state.q.split(/\s+/).map((w) => (w.toLowerCase() === from ? d.suggested.to : w)).join(' ');
      const p = el('p', { className: 'notice did-you-mean' });
      if (fixed !== state.q) {
        const fix = el('button', { type: 'button', className: 'link', textContent: fixed });
        fix.addEventListener('click', () => { input.value = fixed; submit(); });
        p.append('Menade du ', fix, '? ');
      }
      p.append(el('span', { className: 'why' }, ['Inga träffar för ', el('q', { textContent: d.suggested.from }), '.']));
      box.append(p);
    }
    if (d.relaxed && d.total > 0) {
      box.append(el('p', { className: 'notice relaxed',
        textContent: 'Ingen rad innehöll alla orden. Visar rader med några av dem, flest först.' }));
    }
  }

  /* No hits: say what to try, and offer to drop the year filter. */
  function renderEmpty() {
    const tips = el('ul', {}, [
      el('li', { textContent: 'Kontrollera stavningen, eller prova ordets grundform.' }),
      el('li', { textContent: 'Prova färre ord, eller andra ord med samma betydelse.' }),
      el('li', {}, ['Sök på början av ett ord med ', el('code', { textContent: '*' }),
        ', till exempel ', el('code', { textContent: 'mammo*' }), '.']),
    ]);
    const box = el('div', { className: 'notice empty' }, [el('p', { textContent: 'Förslag:' }), tips]);
    if (state.from || state.to) {
      const all = el('button', { type: 'button', className: 'link', textContent: 'Sök i alla år' });
      all.addEventListener('click', () => setYears('', ''));
      box.prepend(el('p', {}, ['Sökningen gäller bara' + yearLabel() + '. ', all]));
    }
    $('notices').append(box);
  }

  function renderHit(h) {
    const title = el('h3', { className: 'assignment' });
    title.innerHTML = (h.highlights && h.highlights.assignment) || '';  /* escaped by searchd */
    const time = el('time', { textContent: formatDate(h.report_date) });
    time.dateTime = h.report_date || '';
    const meta = el('p', { className: 'meta' }, [
      time, el('span', { textContent: 'rad ' + h.row }),
    ]);
    if (h.source) meta.append(el('span', { className: 'source', textContent: h.source }));
    const status = el('p', { className: 'snippet' });
    status.innerHTML = (h.highlights && h.highlights.status) || '';   /* escaped by searchd */
    const li = el('li', { className: 'hit result' }, [title, meta]);
    if (status.innerHTML) li.append(status);
    return li;
  }

  function render(d) {
    const total = d.total || 0;
    const first = state.page * PAGE_SIZE + 1;
    const last = Math.min(total, first + (d.hits || []).length - 1);
    let text = total === 0 ? 'Inga träffar' : (total === 1 ? '1 träff' : total.toLocaleString('sv-SE') + ' träffar');
    text += ' för ”' + shorten(state.q, 80) + '”' + yearLabel();
    if (total > PAGE_SIZE) text += ' · visar ' + first + '–' + last;
    $('status').textContent = text;
    document.title = state.q + ' – Sök i återrapporteringen';
    renderNotices(d);
    if (total === 0) renderEmpty();
    $('results').replaceChildren(...(d.hits || []).map(renderHit));
    renderFacet((d.facets && d.facets.year) || {});
    renderPages(total);
  }

  /* ---- year facet and filter -------------------------------------------- */

  function setYears(from, to) {
    state.from = from;
    state.to = to;
    state.page = 0;
    writeUrl(true);
    runSearch();
  }

  function renderFacet(counts) {
    const ul = $('year-facet');
    const years = Object.keys(counts).sort().reverse();
    years.forEach((y) => knownYears.add(y));
    fillYearSelects();
    ul.replaceChildren(...years.map((y) => {
      const on = state.from === y && state.to === y;
      const b = el('button', { type: 'button', className: 'year' + (on ? ' on' : '') }, [
        el('span', { textContent: y }), el('span', { className: 'count', textContent: String(counts[y]) }),
      ]);
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      b.setAttribute('aria-label', y + ': ' + counts[y] + (counts[y] === 1 ? ' träff' : ' träffar'));
      b.addEventListener('click', () => (on ? setYears('', '') : setYears(y, y)));
      return el('li', {}, [b]);
    }));
  }

  function fillYearSelects() {
    const years = Array.from(knownYears).sort().reverse();
    ['year-from', 'year-to'].forEach((id) => {
      const sel = $(id);
      const want = id === 'year-from' ? state.from : state.to;
      if (want) knownYears.add(want);
      sel.replaceChildren(el('option', { value: '', textContent: 'alla' }),
        ...Array.from(new Set(years.concat(want ? [want] : []))).sort().reverse()
          .map((y) => el('option', { value: y, textContent: y })));
      sel.value = want;
    });
  }

  function syncYearControls() {
    fillYearSelects();
    $('year-clear').hidden = !(state.from || state.to);
  }

  $('year-from').addEventListener('change', (e) => {
    const to = state.to && e.target.value && state.to < e.target.value ? e.target.value : state.to;
    setYears(e.target.value, to);
  });
  $('year-to').addEventListener('change', (e) => {
    const from = state.from && e.target.value && state.from > e.target.value ? e.target.value : state.from;
    setYears(from, e.target.value);
  });
  $('year-clear').addEventListener('click', () => setYears('', ''));

  /* ---- pagination -------------------------------------------------------- */

  function renderPages(total) {
    const nav = $('pages');
    const n = Math.min(Math.ceil(total / PAGE_SIZE), 100);
    nav.replaceChildren();
    if (n <= 1) return;
    const go = (p) => () => {
      state.page = p;
      writeUrl(true);
      runSearch().then(() => $('results').focus());
    };
    const btn = (label, p, extra) => {
      const b = el('button', { type: 'button', textContent: label, className: extra || '' });
      if (p === state.page) { b.setAttribute('aria-current', 'page'); b.disabled = true; }
      b.addEventListener('click', go(p));
      return b;
    };
    if (state.page > 0) nav.append(btn('‹ Föregående', state.page - 1, 'step'));
    const lo = Math.max(0, state.page - 3);
    const hi = Math.min(n - 1, state.page + 3);
    for (let p = lo; p <= hi; p++) {
      const b = btn(String(p + 1), p);
      b.setAttribute('aria-label', 'Sida ' + (p + 1));
      nav.append(b);
    }
    if (state.page < n - 1) nav.append(btn('Nästa ›', state.page + 1, 'step'));
  }

  /* ---- start ------------------------------------------------------------- */

  window.addEventListener('popstate', () => { readUrl(); input.value = state.q; runSearch(); });
  readUrl();
  input.value = state.q;
  runSearch();
})();
