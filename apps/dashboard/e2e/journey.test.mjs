// The dashboard's journey on the real platform (started by tests/edge's DashboardAcceptanceTest,
// or any running platform: DASHBOARD_URL, MAIL_API): a business signs up and signs in, the owner
// invites a member who accepts by the emailed link, the member is kept out of the admin pages.
// Every page is checked with axe at phone and desktop width.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, DESKTOP, PHONE, awaitMail, check, keycloakSignIn, launch, linkIn, newContext } from './browser.mjs';

const run = Date.now().toString(36);
const owner = { email: `owner-${run}@e2e.example.com`, name: 'Olivia Owner', business: `E2E Bakery ${run}` };
const member = { email: `member-${run}@e2e.example.com`, name: 'Max Member' };
const PASSWORD = process.env.E2E_PASSWORD ?? 'E2e-Journey-Passw0rd';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe('the dashboard journey', { concurrency: false }, () => {
  let ownerPage;

  test('the landing page invites to sign in or sign up, on a phone and a desktop', async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await (await newContext(browser, viewport)).newPage();
      await page.goto(`${BASE}/`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await check(page, 'landing');
      await page.close();
    }
  });

  test('a new business signs up and its owner signs in through Keycloak', async () => {
    const context = await newContext(browser, PHONE);
    ownerPage = await context.newPage();
    const page = ownerPage;
    await page.goto(`${BASE}/`);
    await page.getByRole('link', { name: 'Create a business account' }).click();
    await page.waitForURL(`${BASE}/signup`);
    await page.getByLabel('Business name').fill(owner.business);
    await page.getByLabel('Your name').fill(owner.name);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await check(page, 'signup');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('status').filter({ hasText: owner.email }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await keycloakSignIn(page, owner.email, PASSWORD);
    await page.getByRole('heading', { name: `Welcome, ${owner.name}` }).waitFor();
    assert.match(await page.locator('.facts').innerText(), new RegExp(owner.business));
    await check(page, 'home');
  });

  test('signing up again with the same email shows the API problem with its title and detail', async () => {
    const page = await (await newContext(browser, PHONE)).newPage();
    await page.goto(`${BASE}/signup`);
    await page.getByLabel('Business name').fill(`${owner.business} again`);
    await page.getByLabel('Your name').fill(owner.name);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /The request was refused: Conflict/);
    assert.match(text, /Status 409/);
    await check(page, 'signup-problem');
    await page.close();
  });

  test('the owner switches to German and back', async () => {
    const page = ownerPage;
    await page.getByLabel('Language').selectOption('de');
    await page.getByRole('heading', { name: `Willkommen, ${owner.name}` }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
    await check(page, 'home-de');
    await page.getByLabel('Sprache').selectOption('en');
    await page.getByRole('heading', { name: `Welcome, ${owner.name}` }).waitFor();
  });

  let acceptUrl;
  test('the owner invites a member from Settings, and the invitation is mailed', async () => {
    const page = ownerPage;
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    await page.getByRole('cell', { name: owner.email }).waitFor();
    await page.getByLabel('Email').fill(member.email);
    await page.getByLabel('Role').selectOption('member');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('status').filter({ hasText: member.email }).waitFor();
    await page.getByRole('listitem').filter({ hasText: member.email }).waitFor();
    await check(page, 'members');
    await page.setViewportSize(DESKTOP);
    await check(page, 'members');
    await page.setViewportSize(PHONE);
    const mail = await awaitMail(member.email, 'invit');
    acceptUrl = linkIn(mail.mimeMessage, `${BASE}/accept-invitation?token=`);
  });

  test('the member accepts by the emailed link, signs in, and is kept out of the admin pages', async () => {
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(acceptUrl);
    await page.getByRole('heading', { name: 'Join your team' }).waitFor();
    await page.getByLabel('Your name').fill(member.name);
    await page.getByLabel('Password').fill(PASSWORD);
    await check(page, 'accept-invitation');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('status').filter({ hasText: member.email }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await keycloakSignIn(page, member.email, PASSWORD);
    await page.getByRole('heading', { name: `Welcome, ${member.name}` }).waitFor();
    await page.getByRole('button', { name: 'Menu' }).click();
    const nav = await page.getByRole('navigation').innerText();
    assert.match(nav, /Home/);
    assert.doesNotMatch(nav, /Settings/);
    // typed in by hand: the page says it is not for this role (the app keeps the session)
    await page.evaluate(() => {
      window.history.pushState({}, '', '/settings/members');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    await page.getByRole('heading', { name: 'Not for your role' }).waitFor();
    await check(page, 'forbidden');
    await context.close();
  });

  test('a reload signs the owner in again through the Keycloak session, without the form', async () => {
    const page = ownerPage;
    await page.reload();
    await page.getByRole('heading', { name: 'Members' }).waitFor({ timeout: 30_000 });
    assert.ok(page.url().startsWith(`${BASE}/settings/members`), page.url());
  });

  test('the owner signs out', async () => {
    const page = ownerPage;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${BASE}/`, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // the Keycloak session is over: signing in shows the form again
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname.includes('/realms/'));
    await page.locator('#password').waitFor();
  });
});
