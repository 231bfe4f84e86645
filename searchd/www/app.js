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
      list.append(li);
      /* Picking a row searches for it: its first words as a phrase. */
      options.push('"' + h.assignment.replace(/["*]/g, ' ').split(/\s+/).filter(Boolean).slice(0, 12).join(' ') + '"');
    });
    if (options.length) {
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }
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

  input.addEventListener('keydown', (e) => {
    const n = options.length;
    if (e.key === 'ArrowDown') {
      if (list.hidden) { fetchSuggestions(); return; }
      e.preventDefault();
      setActive(n ? (active + 1) % n : -1);
    } else if (e.key === 'ArrowUp') {
      if (list.hidden) return;
      e.preventDefault();
      setActive(active <= 0 ? n - 1 : active - 1);
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
      status.textContent = '';
      $('results').replaceChildren();
      $('notices').replaceChildren();
      $('pages').replaceChildren();
      $('year-facet').replaceChildren();
      return;
    }
    if (searchCtl) searchCtl.abort();
    searchCtl = new AbortController();
    document.body.classList.add('busy');
    try {
      const r = await fetch(searchUrl(), { signal: searchCtl.signal });
      const d = await r.json();
      if (!r.ok) throw new Error(d.error || ('HTTP ' + r.status));
      render(d);
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.textContent = 'Sökningen misslyckades: ' + e.message;
      $('results').replaceChildren();
      $('pages').replaceChildren();
    } finally {
      document.body.classList.remove('busy');
    }
  }

  const MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli',
                  'augusti', 'september', 'oktober', 'november', 'december'];

  function formatDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    return m ? parseInt(m[3], 10) + ' ' + MONTHS[parseInt(m[2], 10) - 1] + ' ' + m[1] : (iso || '');
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
      const again = el('button', { type: 'button', className: 'link', textContent: d.corrected.from });
      again.addEventListener('click', () => { input.value = d.corrected.from; submit(); });
      const p = el('p', { className: 'notice did-you-mean' }, [
        'Inga träffar för ', el('q', { textContent: d.corrected.from }), '. Visar träffar för ',
        el('strong', { textContent: d.corrected.to }), '.',
      ]);
      box.append(p);
      const fix = el('button', { type: 'button', className: 'link', textContent: 'Sök på ' + d.corrected.to });
      fix.addEventListener('click', () => {
        input.value = state.q.split(/\s+/).map((w) => (w === d.corrected.from ? d.corrected.to : w)).join(' ');
        submit();
      });
      p.append(' ', fix);
    }
    if (d.relaxed) {
      box.append(el('p', { className: 'notice relaxed',
        textContent: 'Ingen rad innehöll alla orden. Visar rader med några av dem, flest först.' }));
    }
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
    text += ' för ”' + state.q + '”' + yearLabel();
    if (total > PAGE_SIZE) text += ' · visar ' + first + '–' + last;
    $('status').textContent = text;
    renderNotices(d);
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
