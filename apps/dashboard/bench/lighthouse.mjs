// The dashboard's Lighthouse benchmark: Lighthouse 12 (mobile preset: simulated slow 4G and a 4x
// slower CPU) on the Ask and Documents pages of a signed-in user, in Debian's Chromium; and the
// initial JavaScript of the build, gzipped. It prints the figures; it is a benchmark, not a test.
//
//   DASHBOARD_URL=http://127.0.0.1:<gateway port> npm run lighthouse
//
// A fresh business is signed up for the run (the API's own sign-up), signs in through Keycloak in
// the measured tab, uploads one document, and asks one question; each page is then loaded in that
// same tab, as a reload or a link typed in would (the tokens are in the tab's sessionStorage).
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import puppeteer from 'puppeteer-core';
import { startFlow } from 'lighthouse';

const BASE = (process.env.DASHBOARD_URL ?? '').replace(/\/+$/, '');
if (!BASE) {
  console.error('set DASHBOARD_URL to the gateway (./copilot up -d prints it)');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PASSWORD = process.env.E2E_PASSWORD ?? 'Lighthouse-Bench-Passw0rd';
const run = Date.now().toString(36);
const email = `lighthouse-${run}@bench.example.com`;

/** The initial JavaScript: the entry script and what it preloads, each gzipped as served. */
function initialJs() {
  const root = ['target/classes/META-INF/resources', 'dist'].find((d) => existsSync(join(d, 'index.html')));
  if (!root) {
    return null;
  }
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const sizes = files.map((f) => {
    const bytes = readFileSync(join(root, f));
    return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const lazy = readdirSync(join(root, 'assets')).filter((f) => f.endsWith('.js')).length - files.length;
  return { sizes, lazy };
}

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function signUp() {
  const response = await fetch(`${BASE}/api/v1/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ tenantName: `Lighthouse ${run}`, displayName: 'Lena Lighthouse', email, password: PASSWORD }),
  });
  if (response.status !== 201) {
    throw new Error(`sign-up: ${response.status} ${await response.text()}`);
  }
}

async function main() {
  const js = initialJs();
  await signUp();
  const port = await freePort();
  const chromium = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      `--remote-debugging-port=${port}`,
      '--remote-debugging-address=127.0.0.1',
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'lighthouse-profile-'))}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  let browser;
  try {
    for (let i = 0; !browser; i++) {
      try {
        browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}` });
      } catch (e) {
        if (i > 100) {
          throw e;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const page = await browser.newPage();
    // sign in through Keycloak, as a person would, in the tab that is measured
    await page.goto(`${BASE}/`, { waitUntil: 'networkidle0' });
    await page.locator('button::-p-text(Sign in)').click();
    await page.waitForSelector('#username');
    await page.type('#username', email);
    await page.type('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('#kc-login')]);
    await page.waitForFunction(() => document.querySelector('h1')?.textContent?.includes('Lena'), { timeout: 30_000 });
    // something on each page: a document, and a conversation
    await page.goto(`${BASE}/documents`);
    const input = await page.waitForSelector('input[type=file]');
    const file = join(mkdtempSync(join(tmpdir(), 'lighthouse-')), 'opening-hours.md');
    writeFileSync(file, '# Opening hours\n\nThe bakery opens Monday to Friday from 7:00 to 18:00.\n');
    await input.uploadFile(file);
    await page.waitForSelector('[data-status=indexed]', { timeout: 120_000 });
    await page.goto(`${BASE}/ask`);
    await page.waitForSelector('textarea', { timeout: 30_000 });
    await page.type('textarea', 'When does the bakery open?');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.answer[data-done=true]', { timeout: 60_000 });

    const settings = { disableStorageReset: true, formFactor: 'mobile' };
    const flow = await startFlow(page, { flags: settings, name: 'SMB Copilot dashboard' });
    const results = [];
    for (const [name, path] of [
      ['Documents', '/documents'],
      ['Ask', '/ask'],
    ]) {
      await flow.navigate(`${BASE}${path}`, { name, flags: settings });
      const lhr = (await flow.createFlowResult()).steps.at(-1).lhr;
      results.push({
        page: name,
        performance: Math.round(lhr.categories.performance.score * 100),
        accessibility: Math.round(lhr.categories.accessibility.score * 100),
        'FCP ms': Math.round(lhr.audits['first-contentful-paint'].numericValue),
        'LCP ms': Math.round(lhr.audits['largest-contentful-paint'].numericValue),
        'TBT ms': Math.round(lhr.audits['total-blocking-time'].numericValue),
        CLS: lhr.audits['cumulative-layout-shift'].numericValue.toFixed(3),
        'final URL': new URL(lhr.finalDisplayedUrl).pathname,
      });
    }
    console.log(`Lighthouse ${(await flow.createFlowResult()).steps[0].lhr.lighthouseVersion}, mobile preset, ${await browser.version()}`);
    console.table(results);
    if (js) {
      const gzip = js.sizes.reduce((n, s) => n + s.gzip, 0);
      const raw = js.sizes.reduce((n, s) => n + s.raw, 0);
      console.log(
        `initial JavaScript: ${(gzip / 1024).toFixed(1)} KB gzipped (${(raw / 1024).toFixed(1)} KB raw) in ${js.sizes.length} file(s); ${js.lazy} more load when their page opens`,
      );
    }
    const short = results.filter((r) => r.performance < 90 || r.accessibility < 95);
    console.log(short.length === 0 ? 'targets met: performance >= 90, accessibility >= 95' : `BELOW TARGET: ${short.map((r) => r.page).join(', ')}`);
  } finally {
    await browser?.disconnect();
    chromium.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
