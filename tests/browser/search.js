/*
 * search.js: the search page in a real browser (Debian's chromium driven by
 * playwright-core). Run by tests/e2e/test_browser.sh:
 *
 *   node tests/browser/search.js BASE_URL SCREENSHOT_PREFIX
 *
 * Types "mammo", waits for the suggestion, picks it with the keyboard, checks
 * a highlighted hit, filters by year, and saves screenshots (desktop and
 * phone) as PREFIX-desktop.png and PREFIX-phone.png. Exits 1 with the failed
 * step named (and a PREFIX-failed.png) on any failure.
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
    await page.waitForFunction(() => {
      const t = document.querySelector('#suggestions [role="option"] .text');
      return t && /^mammografi/.test(t.textContent);
    }, null, { timeout: TIMEOUT }).catch(async () => {
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
    await page.waitForFunction((t) => document.getElementById('q').value === t, picked, { timeout: TIMEOUT });
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
    await page.waitForFunction((yy) => {
      const b = document.querySelector('#year-facet button[aria-pressed="true"]');
      return b && b.textContent.startsWith(yy) && document.querySelectorAll('#results .hit').length > 0;
    }, y, { timeout: TIMEOUT });
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
    console.log('browser: ok (' + shot + '-desktop.png, ' + shot + '-phone.png)');
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
