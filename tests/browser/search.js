/*
 * search.js: the search page in a real browser (Debian's chromium driven by
 * playwright-core). Run by tests/e2e/test_browser.sh:
 *
 *   node tests/browser/search.js BASE_URL SCREENSHOT_PREFIX
 *
 * Types "mammo", waits for the suggestion, picks it with the keyboard, checks
 * a highlighted hit, filters by year, and saves screenshots (desktop and
 * phone) as PREFIX-desktop.png and PREFIX-phone.png. Then what a demanding
 * user meets: moving through the suggestions with the keyboard and back to
 * the box, "did you mean", no results (with the way out of a year filter),
 * searchd answering 503 or not at all (a polite message and a retry, never
 * searchd's own English), and long words on a phone (no sideways scrolling),
 * with screenshots PREFIX-empty.png, PREFIX-error.png, PREFIX-long.png.
 * Then assignments (the index holds a series of linked reports besides the
 * samples): a hit's status badge and "i N rapporter", its history opened
 * with the keyboard (N reports, oldest first, each wording change marked
 * so that the marks turn the previous wording into this one), the status
 * facet, the still-open filter, sort by date, every occurrence, back and
 * forward, a related assignment, and the page over a server that sends
 * none of these fields; screenshots PREFIX-history.png and
 * PREFIX-history-phone.png. Exits 1 with the failed step named (and a
 * PREFIX-failed.png) on any failure.
 */
'use strict';
const { TIMEOUT, check, waitUntil, step, withBrowser } = require('./lib');

const base = process.argv[2];
const shot = process.argv[3];

async function run(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  await step('open the page', async () => {
    await page.goto(base + '/', { waitUntil: 'load' });
    check(await page.title() !== '', 'no title');
    await page.locator('#q').waitFor({ state: 'visible', timeout: TIMEOUT });
  });

  const picked = await step('type mammo and see the suggestion', async () => {
    await page.locator('#q').click();
    await page.locator('#q').pressSequentially('mammo', { delay: 60 });
    const first = page.locator('#suggestions [role="option"]').first();
    await first.waitFor({ state: 'visible', timeout: TIMEOUT });
    /* Earlier answers (for "ma") may show first: wait for the one for "mammo". */
    await waitUntil(page, () => {
      const t = document.querySelector('#suggestions [role="option"] .text');
      return t && /^mammografi/.test(t.textContent);
    }, null).catch(async () => {
      throw new Error('first suggestion is "' + (await first.locator('.text').innerText()) + '"');
    });
    check(await page.locator('#q').getAttribute('aria-expanded') === 'true', 'aria-expanded is not true');
    return (await first.locator('.text').innerText()).trim();
  });

  await step('pick the suggestion with the keyboard', async () => {
    await page.keyboard.press('ArrowDown');
    const active = await page.locator('#q').getAttribute('aria-activedescendant');
    check(active === 'sug-0', 'aria-activedescendant is ' + active);
    await page.keyboard.press('Enter');
    await waitUntil(page, (t) => document.getElementById('q').value === t, picked);
    check(await page.locator('#suggestions').isHidden(), 'suggestions still open');
  });

  await step('see a highlighted hit', async () => {
    const mark = page.locator('#results .hit mark').first();
    await mark.waitFor({ state: 'visible', timeout: TIMEOUT });
    const marked = (await mark.innerText()).toLowerCase();
    check(marked.startsWith('mammografi'), 'marked text is "' + marked + '"');
    const status = await page.locator('#status').innerText();
    check(/träff/.test(status), 'no result count in "' + status + '"');
    check(/rad \d+/.test(await page.locator('#results .hit .meta').first().innerText()), 'no row in meta');
  });

  await step('filter by year', async () => {
    const year = page.locator('#year-facet button').first();
    await year.waitFor({ state: 'visible', timeout: TIMEOUT });
    const y = (await year.locator('span').first().innerText()).trim();
    check(/^\d{4}$/.test(y), 'facet label "' + y + '"');
    const answered = page.waitForResponse((r) => r.url().includes('/search?') && r.url().includes('from=' + y + '-01-01'), { timeout: TIMEOUT });
    await year.click();
    await answered;
    await waitUntil(page, (yy) => {
      const b = document.querySelector('#year-facet button[aria-pressed="true"]');
      return b && b.textContent.startsWith(yy) && document.querySelectorAll('#results .hit').length > 0;
    }, y);
    const dates = await page.locator('#results .hit time').evaluateAll((ts) => ts.map((t) => t.dateTime));
    check(dates.length > 0 && dates.every((d) => d.startsWith(y)), 'hits outside ' + y + ': ' + dates.join(','));
    check(await page.locator('#year-from').inputValue() === y, 'year-from select not ' + y);
    check(new URL(page.url()).searchParams.get('from') === y, 'URL has no from=' + y);
  });

  await step('no errors in the console', async () => {
    check(errors.length === 0, errors.join('; '));
  });

  await page.screenshot({ path: shot + '-desktop.png', fullPage: true });
}

/* Wide enough to scroll sideways? */
async function overflows(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

async function keyboard(page) {
  await step('keyboard: down, up, back to the box, escape', async () => {
    await page.goto(base + '/', { waitUntil: 'load' });
    await page.locator('#q').click();
    await page.locator('#q').pressSequentially('mammo', { delay: 40 });
    await waitUntil(page, () => document.querySelectorAll('#suggestions [role="option"]').length >= 2 &&
      /^mammografi/.test(document.querySelector('#suggestions [role="option"] .text').textContent), null);
    const activeId = () => page.locator('#q').getAttribute('aria-activedescendant');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    check(await activeId() === 'sug-1', 'two downs: ' + await activeId());
    check(await page.locator('#sug-1').getAttribute('aria-selected') === 'true', 'sug-1 not aria-selected');
    await page.keyboard.press('ArrowUp');
    check(await activeId() === 'sug-0', 'down, down, up: ' + await activeId());
    await page.keyboard.press('ArrowUp');
    check(await activeId() === null, 'up from the first option should return to the box');
    await page.keyboard.press('ArrowUp');
    const n = await page.locator('#suggestions [role="option"]').count();
    check(await activeId() === 'sug-' + (n - 1) || (await activeId()).startsWith('sug-hit-'), 'up from the box goes to the last');
    await page.keyboard.press('Escape');
    check(await page.locator('#suggestions').isHidden(), 'Escape did not close the list');
    check(await page.locator('#q').inputValue() === 'mammo', 'Escape changed the text');
    check(await page.locator('#q').getAttribute('aria-expanded') === 'false', 'aria-expanded still true');
    await waitUntil(page, () => /förslag/.test(document.getElementById('sug-status').textContent), null);
  });
}

async function didYouMean(page) {
  await step('did you mean', async () => {
    await page.goto(base + '/?q=lakemedelsgenomgang', { waitUntil: 'load' });
    const note = page.locator('#notices .did-you-mean');
    await note.waitFor({ state: 'visible', timeout: TIMEOUT });
    const text = await note.innerText();
    check(/Menade du/.test(text) && /läkemedelsgenomgång/.test(text), 'notice says "' + text + '"');
    check(await page.locator('#results .hit').count() > 0, 'no hits for the correction');
    await note.locator('button').click();
    await waitUntil(page, () => new URL(location.href).searchParams.get('q') === 'läkemedelsgenomgång',
      null);
    check(await page.locator('#q').inputValue() === 'läkemedelsgenomgång', 'box not corrected');
    /* The answer for the corrected word: hits, and no "did you mean". */
    await waitUntil(page, () => !document.querySelector('#notices .did-you-mean') &&
      document.querySelectorAll('#results .hit').length > 0 && !document.body.classList.contains('busy'),
      null, 'hits without "did you mean" for the corrected word');
  });
}

async function empty(page) {
  await step('no results: advice and a way out of the year filter', async () => {
    await page.goto(base + '/?q=xqzvwpt+mammografi&from=2018&to=2018', { waitUntil: 'load' });
    const box = page.locator('#notices .notice.empty');
    await box.waitFor({ state: 'visible', timeout: TIMEOUT });
    check(/Inga träffar/.test(await page.locator('#status').innerText()), 'status does not say no hits');
    check(/stavningen/.test(await box.innerText()), 'no advice');
    await page.screenshot({ path: shot + '-empty.png', fullPage: true });
    await box.getByRole('button', { name: 'Sök i alla år' }).click();
    await waitUntil(page, () => !new URL(location.href).searchParams.has('from'), null);
  });
}

async function failures(page) {
  await step('searchd answers 503: a polite message and a retry', async () => {
    await page.route('**/search?**', (route) => route.fulfill({
      status: 503, contentType: 'application/json; charset=utf-8',
      body: '{"error":"search took longer than 2000 ms"}' }));
    await page.goto(base + '/?q=mammografi', { waitUntil: 'load' });
    const alert = page.locator('#notices [role="alert"]');
    await alert.waitFor({ state: 'visible', timeout: TIMEOUT });
    const text = await alert.innerText();
    check(/tog för lång tid/.test(text), 'message "' + text + '"');
    check(!/took longer|error/i.test(await page.locator('main').innerText()), 'searchd\'s own message shown');
    await page.screenshot({ path: shot + '-error.png', fullPage: true });
    await page.unroute('**/search?**');
    await alert.getByRole('button', { name: 'Försök igen' }).click();
    await page.locator('#results .hit').first().waitFor({ state: 'visible', timeout: TIMEOUT });
    check(await page.locator('#notices [role="alert"]').count() === 0, 'the alert stayed after a good answer');
  });
  await step('searchd does not answer, or a proxy answers with HTML', async () => {
    await page.route('**/search?**', (route) => route.abort('connectionrefused'));
    await page.locator('#q').fill('vård');
    await page.keyboard.press('Enter');
    await page.locator('#notices [role="alert"]').waitFor({ state: 'visible', timeout: TIMEOUT });
    check(/Kunde inte nå söktjänsten/.test(await page.locator('#notices').innerText()), 'no network message');
    check(await page.locator('#results .hit').count() === 0, 'old hits still shown');
    await page.unroute('**/search?**');
    await page.route('**/search?**', (route) => route.fulfill({
      status: 502, contentType: 'text/html', body: '<html><body>Bad Gateway</body></html>' }));
    await page.locator('#q').fill('omsorg');
    await page.keyboard.press('Enter');
    await waitUntil(page, () => /fel 502/.test(document.getElementById('notices').textContent), null);
    await page.unroute('**/search?**');
  });
}

async function longWords(context) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await step('long words on a phone', async () => {
    const word = 'sjukvårdshuvudmannaskapsöverenskommelseuppföljningsrapporteringsrutinerna'.repeat(3);
    await page.goto(base + '/?q=' + encodeURIComponent(word + ' mammografi ' + word), { waitUntil: 'load' });
    await waitUntil(page, () => /träff/.test(document.getElementById('status').textContent), null);
    check(!await overflows(page), 'a long query makes the page wider than the phone');
    await page.locator('#q').fill('');
    await page.locator('#q').pressSequentially('mammografiverksamheten', { delay: 10 });
    await page.locator('#suggestions [role="option"]').first().waitFor({ state: 'visible', timeout: TIMEOUT });
    check(!await overflows(page), 'the suggestions make the page wider than the phone');
    const list = await page.locator('#suggestions').evaluate((e) => e.scrollWidth <= e.clientWidth + 1);
    check(list, 'the suggestion list scrolls sideways');
    await page.screenshot({ path: shot + '-long.png', fullPage: false });
  });
  await page.close();
}

async function phone(context) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await step('phone layout', async () => {
    await page.goto(base + '/?q=' + encodeURIComponent('nära vård'), { waitUntil: 'load' });
    await page.locator('#results .hit').first().waitFor({ state: 'visible', timeout: TIMEOUT });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    check(!overflow, 'page is wider than the phone screen');
  });
  await page.screenshot({ path: shot + '-phone.png', fullPage: false });
  await page.close();
}

/* ---- assignments ------------------------------------------------------- */

const LABELS = {
  not_started: 'Ej påbörjat', ongoing: 'Pågår', partly_done: 'Delvis klart',
  done: 'Klart', dropped: 'Utgår', unknown: 'Oklart',
};
const OPEN_LABELS = [LABELS.not_started, LABELS.ongoing, LABELS.partly_done, LABELS.unknown];
/* Words of the series' drifting plan items ("Arbeta för …" → "Fortsätta …"). */
const ASSIGN_QUERY = 'fortsätta';

/* Search q (more URL parameters in extra), wait for the answer shown, and
 * return it. */
async function searchFor(page, q, extra) {
  const answered = page.waitForResponse((r) => r.url().includes('/search?'), { timeout: TIMEOUT });
  await page.goto(base + '/?q=' + encodeURIComponent(q) + (extra || ''), { waitUntil: 'load' });
  const r = await answered;
  await waitUntil(page, () => !document.body.classList.contains('busy') &&
    /träff/.test(document.getElementById('status').textContent), null, 'the answer shown');
  return r.json();
}

/* Do something that makes the page search again; wait for that answer
 * (its URL passing want) to be shown. */
async function refined(page, want, action) {
  const answered = page.waitForResponse((r) => r.url().includes('/search?') && want(new URL(r.url())),
    { timeout: TIMEOUT });
  await action();
  const r = await answered;
  await waitUntil(page, () => !document.body.classList.contains('busy'), null, 'the refined answer shown');
  return r.json();
}

/* Every hit as the page shows it: badge text, date, "i N rapporter" line. */
function hitsShown(page) {
  return page.locator('#results .hit').evaluateAll((lis) => lis.map((li) => {
    const seen = li.querySelector('.meta .seen');
    const badge = li.querySelector('.meta .badge');
    return {
      id: li.dataset.assignment || '',
      badge: badge ? badge.textContent : '',
      date: (li.querySelector('.meta time') || {}).dateTime || '',
      seen: seen ? seen.textContent : '',
    };
  }));
}

const squeeze = (z) => (z || '').replace(/\s+/g, '');

/* The text of node without the elements matching drop. */
function textWithout(page, handle, drop) {
  return handle.evaluate((p, sel) => {
    const c = p.cloneNode(true);
    c.querySelectorAll(sel).forEach((e) => e.remove());
    const label = c.querySelector('.label');
    if (label) label.remove();
    return c.textContent;
  }, drop);
}

/* Open the history of hit li with the keyboard and check it against
 * GET /assignments/{id}; returns how many wording changes it marks. */
async function checkHistory(page, li, n) {
  const id = await li.getAttribute('data-assignment');
  const button = li.locator('button.disclose');
  const answered = page.waitForResponse((r) => r.url().includes('/assignments/'), { timeout: TIMEOUT });
  await button.focus();
  await page.keyboard.press('Enter');
  const r = await answered;
  check(r.status() === 200, 'GET /assignments/' + id + ': ' + r.status());
  const d = await r.json();
  check(await button.getAttribute('aria-expanded') === 'true', 'aria-expanded not true after Enter');
  const region = page.locator('#' + await button.getAttribute('aria-controls'));
  await region.locator('.timeline').waitFor({ state: 'visible', timeout: TIMEOUT });
  const entries = region.locator('.timeline > .entry');
  const count = await entries.count();
  check(count === n, id + ': "i ' + n + ' rapporter" but the history has ' + count + ' entries');
  check(d.occurrences.length === n, id + ': the API lists ' + d.occurrences.length + ' occurrences, the hit ' + n);
  const dates = await entries.locator('.when time').evaluateAll((ts) => ts.map((t) => t.dateTime));
  check(dates.every((x, k) => k === 0 || dates[k - 1] <= x), id + ': not oldest first: ' + dates.join(','));
  let changes = 0;
  for (let k = 0; k < n; k++) {
    const o = d.occurrences[k];
    const e = entries.nth(k);
    check(dates[k] === o.report_date, id + ': entry ' + k + ' dated ' + dates[k] + ', not ' + o.report_date);
    const badge = (await e.locator('.when .badge').innerText()).trim();
    check(badge === LABELS[o.status_class], id + ': entry ' + k + ' badge "' + badge + '" for ' + o.status_class);
    const shown = e.locator('.narrative');
    if (!o.status) {
      check(await shown.count() === 0, id + ': entry ' + k + ': a narrative without a status');
    } else if (k > 0 && o.status === d.occurrences[k - 1].status) {
      check(await e.locator('.narrative.same').count() === 1, id + ': entry ' + k + ': a repeated narrative not said to be');
    } else {
      check(squeeze(await shown.innerText()) === squeeze(o.status), id + ': entry ' + k + ' does not show its status narrative');
    }
    const changed = e.locator('p.wording', { hasText: 'Ändrad lydelse' });
    if (k > 0 && o.assignment !== d.occurrences[k - 1].assignment) {
      check(await changed.count() === 1, id + ': entry ' + k + ': the wording changed, nothing marked');
      const p = await changed.elementHandle();
      check(await p.$('ins, del') !== null, id + ': entry ' + k + ': a change without <ins> or <del>');
      check(squeeze(await textWithout(page, p, 'del')) === squeeze(o.assignment),
        id + ': entry ' + k + ': the text without <del> is not the new wording');
      check(squeeze(await textWithout(page, p, 'ins')) === squeeze(d.occurrences[k - 1].assignment),
        id + ': entry ' + k + ': the text without <ins> is not the previous wording');
      changes++;
    } else {
      check(await changed.count() === 0, id + ': entry ' + k + ': a change marked where the wording is the same');
    }
  }
  return changes;
}

async function assignments(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  await step('a hit: its status badge and the reports it is in', async () => {
    await searchFor(page, ASSIGN_QUERY);
    const hits = await hitsShown(page);
    check(hits.length > 0, 'no hits for ' + ASSIGN_QUERY);
    hits.forEach((h) => check(Object.values(LABELS).includes(h.badge), 'a hit\'s badge says "' + h.badge + '"'));
    const many = hits.filter((h) => h.seen);
    check(many.length > 0, 'no hit says "i N rapporter"');
    many.forEach((h) => check(/^i (\d+) rapporter, \d{4}-\d{2}( – \d{4}-\d{2})?$/.test(h.seen) &&
      parseInt(h.seen.slice(2), 10) >= 2, 'the line says "' + h.seen + '"'));
  });

  await step('open histories with the keyboard: N reports, oldest first, wording changes marked', async () => {
    const lis = page.locator('#results .hit');
    let changes = 0;
    let opened = 0;
    for (let i = 0; i < await lis.count(); i++) {
      const seen = await lis.nth(i).locator('.meta .seen').count() ?
        await lis.nth(i).locator('.meta .seen').innerText() : '';
      const m = /^i (\d+) rapporter/.exec(seen);
      if (!m) continue;
      changes += await checkHistory(page, lis.nth(i), parseInt(m[1], 10));
      opened++;
      if (changes > 0 && opened >= 2) break;
    }
    check(changes > 0, 'no history of the ' + opened + ' opened has a wording change');
    await page.screenshot({ path: shot + '-history.png', fullPage: true });
    const b = lis.first().locator('button.disclose');
    if (await b.getAttribute('aria-expanded') === 'true') {
      await b.focus();
      await page.keyboard.press(' ');
      check(await b.getAttribute('aria-expanded') === 'false', 'Space did not close the history');
      check(await page.locator('#' + await b.getAttribute('aria-controls')).isHidden(), 'the history stayed open');
    }
  });

  await step('the status facet filters', async () => {
    await searchFor(page, ASSIGN_QUERY);
    const buttons = page.locator('#status-facet button');
    check(await buttons.count() > 0, 'no status facet');
    const facet = await buttons.evaluateAll((bs) => bs.map((b) => [b.dataset.status,
      parseInt(b.querySelector('.count').textContent, 10)]));
    /* The rarest status: a filter that visibly filters. */
    const [cls, n] = facet.filter((f) => f[1] > 0).sort((a, b) => a[1] - b[1])[0];
    const d = await refined(page, (u) => u.searchParams.get('status') === cls,
      () => page.locator('#status-facet button[data-status="' + cls + '"]').click());
    check(d.total === n, 'the facet said ' + n + ' for ' + cls + ', the search found ' + d.total);
    const hits = await hitsShown(page);
    check(hits.length > 0 && hits.every((h) => h.badge === LABELS[cls]),
      'hits with other badges than ' + LABELS[cls] + ': ' + hits.map((h) => h.badge).join(','));
    check(await page.locator('#status-facet button[data-status="' + cls + '"]').getAttribute('aria-pressed') === 'true',
      'the facet button is not pressed');
    check(new URL(page.url()).searchParams.get('status') === cls, 'URL has no status=' + cls);
  });

  await step('the still-open filter', async () => {
    const all = await searchFor(page, ASSIGN_QUERY);
    const facet = all.facets.status || {};
    const closed = Object.keys(facet).filter((k) => !OPEN_LABELS.includes(LABELS[k]))
      .reduce((n, k) => n + facet[k], 0);
    const d = await refined(page, (u) => u.searchParams.get('open') === 'true',
      () => page.locator('#open-only').check());
    check(new URL(page.url()).searchParams.get('open') === '1', 'URL has no open=1');
    const hits = await hitsShown(page);
    check(hits.length > 0, 'nothing still open');
    hits.forEach((h) => check(OPEN_LABELS.includes(h.badge), 'a closed assignment ("' + h.badge + '") shown'));
    (d.hits || []).forEach((h) => check(h.open === true, 'an assignment not in its newest report: ' + h.assignment_id));
    check(d.total <= all.total - closed, 'still open: ' + d.total + ' of ' + all.total + ' with ' + closed + ' closed');
  });

  await step('sort by date, newest first, and every occurrence', async () => {
    await searchFor(page, ASSIGN_QUERY);
    await refined(page, (u) => u.searchParams.get('sort') === 'newest',
      () => page.locator('#sort').selectOption('newest'));
    const hits = await hitsShown(page);
    const dates = hits.map((h) => h.date);
    check(dates.length > 1 && dates.every((x, k) => k === 0 || dates[k - 1] >= x),
      'not newest first: ' + dates.join(','));
    check(new URL(page.url()).searchParams.get('sort') === 'newest', 'URL has no sort=newest');
    const total = (await page.locator('#status').innerText()).replace(/\s/g, '');
    const d = await refined(page, (u) => u.searchParams.get('collapse') === 'none',
      () => page.locator('#all-rows').check());
    check(await page.locator('#results .hit .meta .seen').count() === 0, '"i N rapporter" with every occurrence');
    const rows = await hitsShown(page);
    check(rows.every((h, k) => k === 0 || rows[k - 1].date >= h.date), 'rows not newest first');
    check(d.total >= parseInt(total, 10), 'fewer rows (' + d.total + ') than assignments (' + total + ')');
    await page.goBack();
    await waitUntil(page, () => !document.getElementById('all-rows').checked &&
      document.querySelectorAll('#results .hit .meta .seen').length > 0 &&
      !document.body.classList.contains('busy'), null, 'back: one hit per assignment again');
    check(await page.locator('#sort').inputValue() === 'newest', 'back lost the sort');
    await page.goForward();
    await waitUntil(page, () => document.getElementById('all-rows').checked &&
      document.querySelectorAll('#results .hit .meta .seen').length === 0 &&
      !document.body.classList.contains('busy'), null, 'forward: every occurrence again');
  });

  await step('a related assignment and the assignment view', async () => {
    await searchFor(page, ASSIGN_QUERY);
    const li = page.locator('#results .hit').first();
    await li.locator('button.disclose').click();
    await li.locator('.history .timeline').waitFor({ state: 'visible', timeout: TIMEOUT });
    const links = li.locator('.history .related a');
    if (await links.count() === 0) return;       /* nothing similar enough in this index */
    const id = new URL(await links.first().getAttribute('href'), base).searchParams.get('a');
    await links.first().click();
    await page.locator('#results .hit.one .timeline .entry').first().waitFor({ state: 'visible', timeout: TIMEOUT });
    check(await page.locator('#results .hit.one').getAttribute('data-assignment') === id, 'not the linked assignment');
    check(new URL(page.url()).searchParams.get('q') === ASSIGN_QUERY, 'the search was lost');
    await page.locator('#notices .back button').click();
    await page.locator('#results .hit .disclose').first().waitFor({ state: 'visible', timeout: TIMEOUT });
  });

  await step('a phone: badges and history fit', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await searchFor(page, ASSIGN_QUERY);
    await page.locator('#results .hit button.disclose').first().click();
    await page.locator('#results .hit .timeline').first().waitFor({ state: 'visible', timeout: TIMEOUT });
    check(!await overflows(page), 'the history makes the page wider than the phone');
    await page.locator('#results .hit button.disclose').first().evaluate((b) => b.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: shot + '-history-phone.png', fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step('an older server without assignments: no badges, no controls, no errors', async () => {
    const OLD = ['assignment_id', 'series', 'status_class', 'status_evidence', 'occurrences',
      'first_seen', 'last_seen', 'open'];
    await page.route('**/search?**', async (route) => {
      const r = await route.fetch();
      const d = await r.json();
      (d.hits || []).forEach((h) => OLD.forEach((k) => delete h[k]));
      if (d.facets) delete d.facets.status;
      await route.fulfill({ response: r, json: d });
    });
    await searchFor(page, ASSIGN_QUERY);
    check(await page.locator('#results .hit').count() > 0, 'no hits');
    check(await page.locator('#results .badge, #results .seen, #results button.disclose').count() === 0,
      'badges, report counts or history buttons without the fields');
    check(await page.locator('#status-filter').isHidden() && await page.locator('#tools').isHidden(),
      'status filter or sort shown for a server without them');
    await page.unroute('**/search?**');
  });

  await step('no errors in the console (assignments)', async () => {
    check(errors.length === 0, errors.join('; '));
  });
  await page.close();
}

async function main() {
  if (!base || !shot) {
    console.error('usage: node search.js BASE_URL SCREENSHOT_PREFIX');
    process.exit(2);
  }
  await withBrowser(async (context, page) => {
    await run(page);
    await phone(context);
    await keyboard(page);
    await didYouMean(page);
    await empty(page);
    await failures(page);
    await longWords(context);
    await assignments(context);
  }, 'browser: ok (' + shot + '-{desktop,phone,empty,error,long,history,history-phone}.png)', shot + '-failed.png');
}

main();
