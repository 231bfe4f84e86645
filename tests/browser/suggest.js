/*
 * suggest.js: the search box's completions in a real browser (Debian's
 * chromium driven by playwright-core). Run by tests/e2e/test_browser.sh:
 *
 *   node tests/browser/suggest.js BASE_URL SCREENSHOT_PREFIX
 *
 * Types "nära v" (a one-letter last word after another word), waits for
 * the completions of that text (the options that are not row previews),
 * and checks that each count shown is the rows /search finds for the
 * completion's text (so none finds nothing); then picks the first with the
 * keyboard and checks that the page's result count says that many rows. Saves PREFIX-suggest.png.
 * Exits 1 with the failed step named (and a PREFIX-suggest-failed.png) on
 * any failure.
 */
'use strict';
const http = require('http');
const { TIMEOUT, check, waitUntil, step, withBrowser } = require('./lib');

const base = process.argv[2];
const shot = process.argv[3];
const TYPED = 'nära v';

/* GET /search?q=q&limit=1 from searchd itself: its rows, which a
** suggestion counts. */
function searchTotal(q) {
  const url = base + '/search?' + new URLSearchParams({ q, limit: '1' });
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        try {
          check(res.statusCode === 200, url + ': ' + res.statusCode);
          resolve(JSON.parse(body).rows);
        } catch (e) {
          reject(e);
        }
      });
    }).on('error', reject);
  });
}

/* "1 rad", "573 rader" -> the number. */
function countOf(text) {
  const m = /^(\d+) rad/.exec(text.replace(/\s/g, ' ').trim());
  check(m, 'count "' + text + '" is not "N rader"');
  return Number(m[1]);
}

async function run(page) {
  const shown = await step('type "' + TYPED + '" and see completions', async () => {
    await page.goto(base + '/', { waitUntil: 'load' });
    await page.locator('#q').waitFor({ state: 'visible', timeout: TIMEOUT });
    await page.locator('#q').pressSequentially(TYPED, { delay: 60 });
    /* Answers for "nära" may show first: wait for those of "nära v". */
    await waitUntil(page, (typed) => {
      const t = [...document.querySelectorAll('#suggestions [role="option"]:not(.hit-preview) .text')];
      return t.length > 0 && t.every((e) => e.textContent.startsWith(typed));
    }, TYPED, 'completions of "' + TYPED + '"');
    return page.evaluate(() => [...document.querySelectorAll('#suggestions [role="option"]:not(.hit-preview)')]
      .map((li) => [li.querySelector('.text').textContent, li.querySelector('.count').textContent]));
  });

  await step('each count is the search total of its completion', async () => {
    check(shown.some(([t]) => t === 'nära vård'), 'no "nära vård" in ' + JSON.stringify(shown));
    for (const [text, count] of shown) {
      const n = countOf(count);
      check(n > 0, text + ': count ' + n);
      const total = await searchTotal(text);
      check(n === total, text + ': shows ' + n + ', /search finds ' + total);
    }
    await page.screenshot({ path: shot + '-suggest.png' });
  });

  await step('pick the first and see its count as the result count', async () => {
    const [text, count] = shown[0];
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitUntil(page, (t) => document.getElementById('q').value === t, text, 'the picked text in the box');
    await waitUntil(page, () => /träff/.test(document.getElementById('status').textContent), null, 'a result count');
    const status = await page.locator('#status').innerText();
    // "4 träffar (13 rader) för ...": assignments, and the rows they hold
    // when that differs; a completion counts rows.
    const m = /([\d\s\u00a0]+) träff[a-z]*(?: \(([\d\s\u00a0]+) rad)?/.exec(status);
    const rows = m && Number((m[2] || m[1]).replace(/[\s\u00a0]/g, ''));
    check(rows === countOf(count),
          'the page says "' + status + '", the completion ' + count);
  });
}

async function main() {
  if (!base || !shot) {
    console.error('usage: node suggest.js BASE_URL SCREENSHOT_PREFIX');
    process.exit(2);
  }
  await withBrowser((context, page) => run(page),
                    'browser: suggestions ok (' + shot + '-suggest.png)',
                    shot + '-suggest-failed.png');
}

main();
