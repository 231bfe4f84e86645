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
 * Exits 1 with the failed step named (and a PREFIX-failed.png) on any
 * failure.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const base = process.argv[2];
const shot = process.argv[3];
const TIMEOUT = 15000;

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

/*
 * Wait until fn(arg), run in the page, is true. Not page.waitForFunction:
 * its polling may evaluate the predicate with eval() inside the page, which
 * the page's Content-Security-Policy (script-src 'self') rightly refuses;
 * page.evaluate() goes through the debugging protocol instead.
 */
async function waitUntil(page, fn, arg, what) {
  const end = Date.now() + TIMEOUT;
  for (;;) {
    if (await page.evaluate(fn, arg).catch(() => false)) return;
    if (Date.now() > end) throw new Error('timed out waiting for ' + (what || fn.toString().slice(0, 120)));
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function step(name, fn) {
  try {
    return await fn();
  } catch (e) {
    e.message = 'step "' + name + '": ' + e.message;
    throw e;
  }
}

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

async function main() {
  if (!base || !shot) {
    console.error('usage: node search.js BASE_URL SCREENSHOT_PREFIX');
    process.exit(2);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'aar-chromium-'));
  let context = null;
  let page = null;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
             '--disable-background-networking', '--disable-component-update',
             '--disable-sync', '--disable-quic'],
    });
    page = context.pages()[0] || await context.newPage();
    await run(page);
    await phone(context);
    await keyboard(page);
    await didYouMean(page);
    await empty(page);
    await failures(page);
    await longWords(context);
    console.log('browser: ok (' + shot + '-{desktop,phone,empty,error,long}.png)');
  } catch (e) {
    console.error('browser: FAILED ' + e.message);
    if (page) await page.screenshot({ path: shot + '-failed.png', fullPage: true }).catch(() => {});
    process.exitCode = 1;
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main();
