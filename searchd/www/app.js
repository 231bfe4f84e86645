/*
 * app.js: the search page. Plain JavaScript, no build step, no other hosts.
 *
 * The page talks to searchd's JSON API on its own origin: GET /suggest as
 * the user types (debounced; stale answers dropped), GET /search on submit,
 * GET /assignments/{id} when a hit's history is opened (the wording changes
 * between reports are diffed here, word by word). Text from the API goes
 * into the page with textContent, except highlights.assignment and
 * highlights.status, which searchd sends already HTML-escaped with <mark>
 * around the matches. The state (q, years, status, sort, page, the
 * assignment shown) lives in the URL, so reload, back and shared links work.
 * A field or facet the server does not send leaves its part of the page out.
 */
'use strict';
(function () {
  const PAGE_SIZE = 10;
  const SUGGEST_DELAY_MS = 120;
  const $ = (id) => document.getElementById(id);
  const input = $('q');
  const list = $('suggestions');
  const form = $('search');
  const state = { q: '', from: '', to: '', page: 0, status: '', open: false, sort: '', all: false, a: '' };
  /* The status classes in the order of an assignment's life, with their labels. */
  const STATUS = {
    not_started: 'Ej påbörjat', ongoing: 'Pågår', partly_done: 'Delvis klart',
    done: 'Klart', dropped: 'Utgår', unknown: 'Oklart',
  };
  /* "Still open": every class but the two that end an assignment. */
  const OPEN_CLASSES = ['not_started', 'ongoing', 'partly_done', 'unknown'];
  const SORTS = ['newest', 'oldest'];
  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
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
    state.status = has(STATUS, u.get('status') || '') ? u.get('status') : '';
    state.open = u.get('open') === '1';
    state.sort = SORTS.includes(u.get('sort')) ? u.get('sort') : '';
    state.all = u.get('collapse') === 'none';
    state.a = (u.get('a') || '').slice(0, 200);
  }

  function writeUrl(push) {
    const u = new URLSearchParams();
    if (state.q) u.set('q', state.q);
    if (state.from) u.set('from', state.from);
    if (state.to) u.set('to', state.to);
    if (state.status) u.set('status', state.status);
    if (state.open) u.set('open', '1');
    if (state.sort) u.set('sort', state.sort);
    if (state.all) u.set('collapse', 'none');
    if (state.page > 0) u.set('page', String(state.page + 1));
    if (state.a) u.set('a', state.a);
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
    state.a = '';
    writeUrl(true);
    runSearch();
  }

  /* A filter or the sort changed: back to the first page of the search. */
  function refine(changes) {
    Object.assign(state, changes, { page: 0, a: '' });
    writeUrl(true);
    runSearch();
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });

  function searchUrl() {
    const u = new URLSearchParams({ q: state.q, limit: String(PAGE_SIZE), offset: String(state.page * PAGE_SIZE) });
    if (state.from) u.set('from', state.from + '-01-01');
    if (state.to) u.set('to', state.to + '-12-31');
    /* A server without these parameters ignores them; the page then hides
     * their controls (see features). */
    const classes = state.status ? [state.status] : (state.open ? OPEN_CLASSES : []);
    if (classes.length) u.set('status', classes.join(','));
    if (state.open) u.set('open', 'true');
    if (state.sort) u.set('sort', state.sort);
    if (state.all) u.set('collapse', 'none');
    return '/search?' + u.toString();
  }

  async function runSearch() {
    const status = $('status');
    $('intro').hidden = !!(state.q || state.a);
    syncYearControls();
    syncAssignControls();
    if (state.a) return runAssignment();
    if (!state.q) {
      if (searchCtl) searchCtl.abort();
      document.title = 'Sök i återrapporteringen';
      status.textContent = '';
      $('results').replaceChildren();
      $('notices').replaceChildren();
      $('pages').replaceChildren();
      $('year-facet').replaceChildren();
      $('status-facet').replaceChildren();
      return;
    }
    return load(searchUrl(), render);
  }

  /* GET url as JSON; a SearchFailure for anything but a 2xx JSON answer. */
  async function getJson(url, signal) {
    let r;
    try {
      r = await fetch(url, { signal });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new SearchFailure(0, String(e));
    }
    let d = null;
    try {
      d = await r.json();
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      d = null;                         /* not JSON: a proxy's HTML page */
    }
    if (!r.ok || !d) throw new SearchFailure(r.ok ? 502 : r.status, d && d.error);
    return d;
  }

  /* The main request of the page (a search, or one assignment): a newer one
   * aborts it; show(d) renders the answer, errors go to renderError. */
  async function load(url, show) {
    if (searchCtl) searchCtl.abort();
    const ctl = new AbortController();
    searchCtl = ctl;
    document.body.classList.add('busy');
    $('results').setAttribute('aria-busy', 'true');
    try {
      show(await getJson(url, ctl.signal));
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
    [404, 'Uppdraget finns inte bland rapporterna. Det kan ha försvunnit när rapporterna lästes in på nytt.', false],
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
    $('status-facet').replaceChildren();
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

  function statusLabel() {
    const parts = [];
    if (state.status) parts.push(' med status ' + STATUS[state.status]);
    if (state.open) parts.push(' som fortfarande är öppna');
    return parts.join(' och');
  }

  /* "Did you mean": the query with the word `fix.from` replaced by
   * `fix.to`, one click away, and `why` after it. */
  function didYouMean(fix, why) {
    const from = fix.from.toLowerCase();
    const fixed = state.q.split(/\s+/).map((w) => (w.toLowerCase() === from ? fix.to : w)).join(' ');
    const p = el('p', { className: 'notice did-you-mean' });
    if (fixed !== state.q) {
      const b = el('button', { type: 'button', className: 'link', textContent: fixed });
      b.addEventListener('click', () => { input.value = fixed; submit(); });
      p.append('Menade du ', b, '? ');
    }
    p.append(el('span', { className: 'why' }, why));
    return p;
  }

  function renderNotices(d) {
    const box = $('notices');
    box.replaceChildren();
    if (d.corrected) {
      /* The typed word found nothing, so the results are for the
       * correction. */
      box.append(didYouMean(d.corrected, [
        'Inga träffar för ', el('q', { textContent: d.corrected.from }), ', så träffarna nedan gäller ',
        el('strong', { textContent: d.corrected.to }), '.',
      ]));
    }
    if (d.suggested) {
      /* A correctly spelled word that found nothing: the near word of the
       * index is only offered. */
      box.append(didYouMean(d.suggested, ['Inga träffar för ', el('q', { textContent: d.suggested.from }), '.']));
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
    if (state.status || state.open) {
      const any = el('button', { type: 'button', className: 'link', textContent: 'Sök bland alla statusar' });
      any.addEventListener('click', () => refine({ status: '', open: false }));
      box.prepend(el('p', {}, ['Sökningen gäller bara uppdrag' + statusLabel() + '. ', any]));
    }
    if (state.from || state.to) {
      const all = el('button', { type: 'button', className: 'link', textContent: 'Sök i alla år' });
      all.addEventListener('click', () => setYears('', ''));
      box.prepend(el('p', {}, ['Sökningen gäller bara' + yearLabel() + '. ', all]));
    }
    $('notices').append(box);
  }

  /* ---- assignments: badges, history, wording changes ------------------- */

  /* The status badge of class cls (a class this page does not know reads
   * "Oklart"); null without a class. */
  function badge(cls) {
    if (typeof cls !== 'string' || !cls) return null;
    const known = has(STATUS, cls) ? cls : 'unknown';
    const b = el('span', { className: 'badge badge-' + known, textContent: STATUS[known] });
    b.dataset.status = known;
    return b;
  }

  function month(iso) {
    return /^\d{4}-\d{2}/.test(iso || '') ? iso.slice(0, 7) : '';
  }

  /* "i 7 rapporter, 2021-05 – 2022-03", or null for a single report (its
   * date is the hit's own) or without the fields. */
  function seenIn(n, first, last) {
    if (typeof n !== 'number' || n < 2) return null;
    const a = month(first);
    const b = month(last);
    let t = 'i ' + n + ' rapporter';
    if (a && b) t += ', ' + (a === b ? a : a + ' – ' + b);
    else if (a || b) t += ', ' + (a || b);
    return el('span', { className: 'seen', textContent: t });
  }

  function timeEl(iso) {
    const t = el('time', { textContent: formatDate(iso) });
    t.dateTime = iso || '';
    return t;
  }

  /* Non-empty nodes only: el() appends what it is given. */
  const some = (a) => a.filter((x) => x !== null && x !== undefined && x !== '');

  /* The words of z for the diff: {w, sp}, a word (with its inner hyphens,
   * slashes and dots: "112-2021", "2021-2023") or one punctuation mark,
   * and the white space before it, so that "sätt." differs from "sätt" by
   * its full stop only and the text keeps its spacing. */
  function words(z) {
    const out = [];
    const re = /(\s*)([\p{L}\p{N}]+(?:[-/.,:][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}])/gu;
    let m;
    while ((m = re.exec(typeof z === 'string' ? z : '')) !== null) out.push({ w: m[2], sp: m[1] ? ' ' : '' });
    return out;
  }

  /* Word-level diff of a and b: a list of [op, words] with op '=', '-' or
   * '+', deletions before insertions; '=' words carry b's spacing. The
   * common start and end are cut first; what is left gets a longest common
   * subsequence when it is small enough, else it is all deleted and
   * inserted. */
  function diffWords(a, b) {
    const x = words(a);
    const y = words(b);
    let pre = 0;
    while (pre < x.length && pre < y.length && x[pre].w === y[pre].w) pre++;
    let suf = 0;
    while (suf < x.length - pre && suf < y.length - pre &&
           x[x.length - 1 - suf].w === y[y.length - 1 - suf].w) suf++;
    const xm = x.slice(pre, x.length - suf);
    const ym = y.slice(pre, y.length - suf);
    const ops = [];
    const push = (op, w) => {
      const last = ops[ops.length - 1];
      if (last && last[0] === op) last[1].push(w);
      else ops.push([op, [w]]);
    };
    y.slice(0, pre).forEach((w) => push('=', w));
    if (xm.length * ym.length > 250000) {
      xm.forEach((w) => push('-', w));
      ym.forEach((w) => push('+', w));
    } else {
      lcsOps(xm, ym, push);
    }
    y.slice(y.length - suf).forEach((w) => push('=', w));
    return ops;
  }

  /* The classic LCS table over words, walked from the start; within a
   * change, deletions are pushed before insertions. */
  function lcsOps(x, y, push) {
    const n = x.length;
    const m = y.length;
    const t = new Uint32Array((n + 1) * (m + 1));   /* t[i*(m+1)+j]: LCS of x[i..], y[j..] */
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        t[i * (m + 1) + j] = x[i].w === y[j].w ? t[(i + 1) * (m + 1) + j + 1] + 1
          : Math.max(t[(i + 1) * (m + 1) + j], t[i * (m + 1) + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    const ins = [];
    const flush = () => { ins.splice(0).forEach((w) => push('+', w)); };
    while (i < n || j < m) {
      if (i < n && j < m && x[i].w === y[j].w) {
        flush();
        push('=', y[j]); i++; j++;
      } else if (j < m && (i === n || t[i * (m + 1) + j + 1] >= t[(i + 1) * (m + 1) + j])) {
        ins.push(y[j]); j++;
      } else {
        push('-', x[i]); i++;
      }
    }
    flush();
  }

  /* The diff as nodes: unchanged text, <del> and <ins>, words as text; the
   * space before a change stays outside its mark. */
  function diffNodes(a, b) {
    const out = [];
    let before = '';
    diffWords(a, b).forEach(([op, w]) => {
      const text = w.map((t, k) => (k > 0 ? t.sp : '') + t.w).join('');
      if (w[0].sp || (before === '-' && op === '+')) out.push(' ');
      before = op;
      out.push(op === '=' ? text : el(op === '-' ? 'del' : 'ins', { textContent: text }));
    });
    return out;
  }

  /* The status narrative with the phrase that decided its class in bold. */
  function narrative(text, evidence) {
    const p = el('p', { className: 'narrative' });
    const at = evidence ? text.indexOf(evidence) : -1;
    if (at < 0) {
      p.textContent = text;
    } else {
      const strong = el('strong', { className: 'evidence', textContent: evidence });
      strong.title = 'Det här avgjorde statusen';
      p.append(text.slice(0, at), strong, text.slice(at + evidence.length));
    }
    return p;
  }

  function labelled(label, nodes, cls) {
    return el('p', { className: cls }, [el('span', { className: 'label', textContent: label }), ...nodes]);
  }

  /* One report's entry of the timeline; prev is the report before it. */
  function timelineEntry(o, prev) {
    const head = el('p', { className: 'when' }, some([timeEl(o.report_date), badge(o.status_class),
      typeof o.row === 'number' ? el('span', { textContent: 'rad ' + o.row }) : null]));
    const li = el('li', { className: 'entry' }, [head]);
    const text = typeof o.assignment === 'string' ? o.assignment : '';
    const source = typeof o.source === 'string' ? o.source : '';
    if (!prev) {
      li.append(labelled('Lydelse: ', [text], 'wording'));
      if (source) li.append(labelled('Källa: ', [source], 'wording'));
    } else {
      li.classList.add(text === (prev.assignment || '') ? 'same' : 'changed');
      if (text !== (prev.assignment || '')) {
        li.append(labelled('Ändrad lydelse: ', diffNodes(prev.assignment, text), 'wording'));
      }
      if (source !== (prev.source || '')) {
        li.append(labelled('Ändrad källa: ', diffNodes(prev.source, source), 'wording'));
      }
    }
    if (prev && typeof o.status === 'string' && o.status && o.status === prev.status) {
      /* A third of the reports repeat the text word for word: say so. */
      li.append(el('p', { className: 'narrative same', textContent: 'Samma statustext som i rapporten innan.' }));
    } else if (typeof o.status === 'string' && o.status) {
      li.append(narrative(o.status, typeof o.status_evidence === 'string' ? o.status_evidence : ''));
    }
    return li;
  }

  /* Where an assignment shows an id: the assignment view of it, keeping the search. */
  function assignmentHref(id) {
    const u = new URLSearchParams();
    if (state.q) u.set('q', state.q);
    u.set('a', id);
    return '?' + u.toString();
  }

  /* The occurrences of GET /assignments/{id}, oldest first (sort is stable:
   * rows of one report keep their order). */
  function occurrencesOf(d) {
    return (Array.isArray(d.occurrences) ? d.occurrences : []).filter((o) => o && typeof o === 'object')
      .sort((p, q) => String(p.report_date || '').localeCompare(String(q.report_date || '')));
  }

  /* The history of one assignment (GET /assignments/{id}) as nodes. */
  function historyNodes(d) {
    const occ = occurrencesOf(d);
    const out = [];
    const summary = [];
    if (occ.length) summary.push(occ.length === 1 ? 'I en rapport.' : 'I ' + occ.length + ' rapporter, äldst först.');
    if (d.open === true) summary.push('Finns med i seriens senaste rapport.');
    else if (d.open === false) summary.push('Finns inte med i seriens senaste rapport.');
    if (summary.length) out.push(el('p', { className: 'summary', textContent: summary.join(' ') }));
    const ol = el('ol', { className: 'timeline' }, occ.map((o, k) => timelineEntry(o, k > 0 ? occ[k - 1] : null)));
    ol.setAttribute('aria-label', 'Rapport för rapport');
    out.push(ol);
    const related = (Array.isArray(d.related) ? d.related : []).filter((r) => r && typeof r.id === 'string');
    if (related.length) {
      out.push(el('h4', { textContent: 'Liknande uppdrag' }));
      out.push(el('ul', { className: 'related' }, related.map((r) => el('li', {}, [
        el('a', { href: assignmentHref(r.id), textContent: typeof r.assignment === 'string' && r.assignment ? r.assignment : r.id }),
      ]))));
    }
    return out;
  }

  /* Fill box with the history of assignment id; a failure offers a retry. */
  async function loadHistory(id, box) {
    box.replaceChildren(el('p', { className: 'loading', textContent: 'Hämtar historiken …' }));
    box.setAttribute('aria-busy', 'true');
    try {
      box.replaceChildren(...historyNodes(await getJson('/assignments/' + encodeURIComponent(id))));
    } catch (e) {
      if (!(e instanceof SearchFailure)) console.warn('showing the history failed:', e);
      const again = el('button', { type: 'button', className: 'link', textContent: 'Försök igen' });
      again.addEventListener('click', () => loadHistory(id, box));
      box.replaceChildren(el('p', { className: 'notice error' }, [
        e.status === 404 ? 'Uppdraget finns inte längre bland rapporterna. ' : 'Historiken kunde inte hämtas. ', again]));
    } finally {
      box.removeAttribute('aria-busy');
    }
  }

  /* The disclosure of a hit's history: a button that opens a region below
   * it, fetched the first time it opens. */
  let historySeq = 0;
  function historyToggle(id) {
    const box = el('div', { className: 'history', id: 'history-' + (++historySeq), hidden: true });
    const b = el('button', { type: 'button', className: 'disclose', textContent: 'Visa historiken' });
    b.setAttribute('aria-expanded', 'false');
    b.setAttribute('aria-controls', box.id);
    let loaded = false;
    b.addEventListener('click', () => {
      const open = b.getAttribute('aria-expanded') !== 'true';
      b.setAttribute('aria-expanded', open ? 'true' : 'false');
      b.textContent = open ? 'Dölj historiken' : 'Visa historiken';
      box.hidden = !open;
      if (open && !loaded) { loaded = true; loadHistory(id, box); }
    });
    return [b, box];
  }

  function renderHit(h) {
    const title = el('h3', { className: 'assignment' });
    title.innerHTML = (h.highlights && h.highlights.assignment) || '';  /* escaped by searchd */
    const b = badge(h.status_class);
    /* Collapsed, the badge is the assignment's status now, not this row's. */
    if (b && month(h.last_seen)) b.title = 'Status i den senaste rapporten, ' + formatDate(h.last_seen);
    const meta = el('p', { className: 'meta' }, some([
      b, timeEl(h.report_date), el('span', { textContent: 'rad ' + h.row }),
      seenIn(h.occurrences, h.first_seen, h.last_seen),
    ]));
    if (h.source) meta.append(el('span', { className: 'source', textContent: h.source }));
    const status = el('p', { className: 'snippet' });
    status.innerHTML = (h.highlights && h.highlights.status) || '';   /* escaped by searchd */
    const li = el('li', { className: 'hit result' }, [title, meta]);
    if (status.innerHTML) li.append(status);
    if (typeof h.assignment_id === 'string' && h.assignment_id) {
      li.dataset.assignment = h.assignment_id;
      li.append(...historyToggle(h.assignment_id));
    }
    return li;
  }

  /* GET /assignments/{id} as the page: the assignment, its history open. */
  function runAssignment() {
    $('tools').hidden = true;
    $('status-filter').hidden = true;
    $('year-facet').replaceChildren();
    $('status-facet').replaceChildren();
    $('pages').replaceChildren();
    return load('/assignments/' + encodeURIComponent(state.a), renderAssignment);
  }

  function renderAssignment(d) {
    const occ = occurrencesOf(d);
    const latest = occ.length ? occ[occ.length - 1] : {};
    const text = typeof latest.assignment === 'string' ? latest.assignment : String(d.id || state.a);
    $('status').textContent = 'Ett uppdrag och dess historik';
    document.title = shorten(text, 60) + ' – Sök i återrapporteringen';
    const box = $('notices');
    box.replaceChildren();
    if (state.q) {
      const back = el('button', { type: 'button', className: 'link', textContent: 'Tillbaka till sökningen ”' + shorten(state.q, 60) + '”' });
      back.addEventListener('click', () => refine({}));
      box.append(el('p', { className: 'back' }, [back]));
    }
    const meta = el('p', { className: 'meta' }, some([
      badge(d.status_class), seenIn(occ.length, d.first_seen, d.last_seen),
      occ.length === 1 ? timeEl(latest.report_date) : null,
      typeof latest.source === 'string' && latest.source ? el('span', { className: 'source', textContent: latest.source }) : null,
    ]));
    const history = el('div', { className: 'history' }, historyNodes(d));
    const li = el('li', { className: 'hit result one' }, [el('h3', { className: 'assignment', textContent: text }), meta, history]);
    li.dataset.assignment = String(d.id || state.a);
    $('results').replaceChildren(li);
  }

  function render(d) {
    features(d);
    const total = d.total || 0;
    const first = state.page * PAGE_SIZE + 1;
    const last = Math.min(total, first + (d.hits || []).length - 1);
    let text = total === 0 ? 'Inga träffar' : (total === 1 ? '1 träff' : total.toLocaleString('sv-SE') + ' träffar');
    // Collapsed, a hit is an assignment: say how many report rows they hold
    // (the number a suggestion shows).
    if (typeof d.rows === 'number' && total > 0 && d.rows !== total) {
      text += ' (' + d.rows.toLocaleString('sv-SE') + (d.rows === 1 ? ' rad' : ' rader') + ')';
    }
    text += ' för ”' + shorten(state.q, 80) + '”' + yearLabel();
    if (assignAware) text += statusLabel();
    if (total > PAGE_SIZE) text += ' · visar ' + first + '–' + last;
    $('status').textContent = text;
    document.title = state.q + ' – Sök i återrapporteringen';
    renderNotices(d);
    if (total === 0) renderEmpty();
    $('results').replaceChildren(...(d.hits || []).map(renderHit));
    renderFacet((d.facets && d.facets.year) || {});
    renderStatusFacet(d.facets && d.facets.status);
    renderPages(total);
  }

  /* ---- status facet, "still open", sort, every occurrence ------------------ */

  /* Whether the server knows assignments: it sends facets.status. Once seen,
   * the controls stay (an error or an empty answer does not hide them). */
  let assignAware = false;
  function features(d) {
    if (d.facets && has(d.facets, 'status')) assignAware = true;
    syncAssignControls();
  }

  function syncAssignControls() {
    const on = assignAware || !!(state.status || state.open || state.sort || state.all);
    $('status-filter').hidden = !on;
    $('tools').hidden = !on;
    $('open-only').checked = state.open;
    $('sort').value = state.sort;
    $('all-rows').checked = state.all;
    $('status-clear').hidden = !state.status;
  }

  /* facets.status as [[class, count]] in the order of STATUS, from a list
   * of {status, n} or an object of counts, like facets.year. */
  function statusCounts(f) {
    const m = new Map();
    if (Array.isArray(f)) {
      f.forEach((x) => { if (x && typeof x.status === 'string') m.set(x.status, Number(x.n) || 0); });
    } else if (f && typeof f === 'object') {
      Object.keys(f).forEach((k) => m.set(k, Number(f[k]) || 0));
    }
    if (state.status && !m.has(state.status)) m.set(state.status, 0);
    return Object.keys(STATUS).filter((k) => m.has(k)).map((k) => [k, m.get(k)]);
  }

  function renderStatusFacet(f) {
    $('status-facet').replaceChildren(...statusCounts(f).map(([k, n]) => {
      const on = state.status === k;
      const b = el('button', { type: 'button', className: 'year stat' + (on ? ' on' : '') }, [
        el('span', {}, [el('span', { className: 'dot dot-' + k }), STATUS[k]]),
        el('span', { className: 'count', textContent: String(n) }),
      ]);
      b.dataset.status = k;
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      b.setAttribute('aria-label', STATUS[k] + ': ' + n + (n === 1 ? ' träff' : ' träffar'));
      b.addEventListener('click', () => refine({ status: on ? '' : k }));
      return el('li', {}, [b]);
    }));
  }

  $('open-only').addEventListener('change', (e) => refine({ open: e.target.checked }));
  $('status-clear').addEventListener('click', () => refine({ status: '' }));
  $('sort').addEventListener('change', (e) => refine({ sort: SORTS.includes(e.target.value) ? e.target.value : '' }));
  $('all-rows').addEventListener('change', (e) => refine({ all: e.target.checked }));

  /* ---- year facet and filter -------------------------------------------- */

  function setYears(from, to) {
    refine({ from, to });
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
