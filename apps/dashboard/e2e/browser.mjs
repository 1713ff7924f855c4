// The end-to-end suite's browser: Debian's Chromium driven by playwright-core (nothing is
// downloaded), pages checked with axe-core and photographed under $SCREENSHOTS.
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export const BASE = required('DASHBOARD_URL').replace(/\/+$/, '');
export const MAIL_API = required('MAIL_API').replace(/\/+$/, '');
const SCREENSHOTS = process.env.SCREENSHOTS ?? 'target/screenshots';
export const PHONE = { width: 375, height: 740 };
export const DESKTOP = { width: 1280, height: 860 };

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`set ${name}`);
  }
  return value;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/** A fresh browser profile (no cookies, no storage) of this size, in English. */
export async function newContext(browser, viewport) {
  return browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
}

/** No serious or critical axe violation on the page as it is now; a screenshot of it. */
export async function check(page, name) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize();
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size.width}.png`), fullPage: true });
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `axe on ${name} at ${size.width} px`,
  );
  // nothing sticks out sideways: the page is no wider than the window (tables scroll in their box)
  const wider = await page.evaluate((width) => {
    if (document.documentElement.scrollWidth <= width) {
      return [];
    }
    const out = [`the page is ${document.documentElement.scrollWidth} px wide`];
    for (const e of document.querySelectorAll('body *')) {
      const box = e.getBoundingClientRect();
      if (box.right > width + 0.5) {
        out.push(`${e.tagName.toLowerCase()}${e.className ? `.${String(e.className).split(' ').join('.')}` : ''} (right ${Math.round(box.right)})`);
      }
    }
    return out.slice(0, 6);
  }, size.width);
  assert.deepEqual(wider, [], `elements wider than ${size.width} px on ${name}`);
  return results;
}

/** Keycloak's sign-in form: the email (unless hinted), the password, then back in the app. */
export async function keycloakSignIn(page, email, password) {
  await page.waitForURL((url) => url.pathname.includes('/realms/'), { timeout: 30_000 });
  const username = page.locator('#username');
  if ((await username.inputValue()) !== email) {
    await username.fill(email);
  }
  await page.locator('#password').fill(password);
  await page.locator('#kc-login').click();
  await page.waitForURL((url) => url.href.startsWith(BASE) && !url.pathname.startsWith('/auth/'), {
    timeout: 30_000,
  });
}

/** The newest mail to an address, from GreenMail's API, once it has arrived. */
export async function awaitMail(address, subjectPart, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${MAIL_API}/api/user/${encodeURIComponent(address)}/messages/INBOX/`);
    if (response.ok) {
      const messages = await response.json();
      const found = messages.filter((m) => m.subject.includes(subjectPart));
      if (found.length > 0) {
        return found[found.length - 1];
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`no mail "${subjectPart}" to ${address} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The first link in a raw MIME message's text that starts with `prefix`, quoted-printable undone. */
export function linkIn(mimeMessage, prefix) {
  const text = mimeMessage.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = text.match(new RegExp(`${escaped}[^\\s"<>]+`));
  assert.ok(match, `a link starting with ${prefix} in the mail`);
  return match[0];
}
