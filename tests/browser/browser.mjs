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
