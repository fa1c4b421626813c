// Headless Debian chromium driven by playwright-core (never a downloaded browser).
// Playwright gives each launch its own temporary profile; each newPage is a fresh
// browser context with its own cookies.
import { chromium } from 'playwright-core';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A page that records console errors and failed requests (CSP violations show there).
export async function newPage(browser) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(m.text()); });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  page.on('requestfailed', (r) => page.problems.push(`failed: ${r.url()}`));
  return page;
}

// A fresh page signed in through the sign-in form (the page after it has its h1).
export async function signInPage(browser, url, username, password) {
  const page = await newPage(browser);
  await page.goto(`${url}/sign-in`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1');
  return page;
}
