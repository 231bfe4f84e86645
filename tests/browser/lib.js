/*
 * lib.js: what the browser tests (search.js, suggest.js) share: a check,
 * polling the page, named steps, and a run in a fresh headless chromium
 * that saves a screenshot and sets exit code 1 on any failure.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

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

/* Run fn, its errors named after the step. */
async function step(name, fn) {
  try {
    return await fn();
  } catch (e) {
    e.message = 'step "' + name + '": ' + e.message;
    throw e;
  }
}

/*
 * body(context, page) in a fresh chromium profile (removed after); prints
 * okMessage, or on failure the error, saves failedShot and sets exit code 1.
 */
async function withBrowser(body, okMessage, failedShot) {
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
    await body(context, page);
    console.log(okMessage);
  } catch (e) {
    console.error('browser: FAILED ' + e.message);
    if (page) await page.screenshot({ path: failedShot, fullPage: true }).catch(() => {});
    process.exitCode = 1;
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

module.exports = { TIMEOUT, check, waitUntil, step, withBrowser };
