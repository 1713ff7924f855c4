// The dashboard's journey on the real platform (started by tests/edge's DashboardAcceptanceTest,
// or any running platform: DASHBOARD_URL, MAIL_API): a business signs up and signs in, the owner
// uploads, asks and searches, makes a workflow from a template, runs and approves it, invites a
// member who accepts by the emailed link, the member is kept out of the admin pages.
// Every page is checked with axe at phone and desktop width.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { BASE, DESKTOP, PHONE, awaitMail, check, keycloakSignIn, launch, linkIn, newContext } from './browser.mjs';

const run = Date.now().toString(36);
const owner = { email: `owner-${run}@e2e.example.com`, name: 'Olivia Owner', business: `E2E Bakery ${run}` };
const member = { email: `member-${run}@e2e.example.com`, name: 'Max Member' };
const PASSWORD = process.env.E2E_PASSWORD ?? 'E2e-Journey-Passw0rd';
const HOURS = `# Opening hours

The bakery opens Monday to Friday from 7:00 to 18:00 and on Saturday from 8:00 to 13:00.
On public holidays the bakery stays closed. Orders for cakes need two days' notice.
`;
const RETURNS = `Returns policy

Unopened goods can be returned within 14 days with the receipt. Fresh bread and cakes cannot be
returned. Refunds go back to the card that paid within five working days.
`;
const DELIVERY = `Delivery

We deliver within 10 km of the shop for orders over 30 euros. Deliveries leave at 9:00 and 14:00.
`;


/** Opens a page of the nav (behind the menu button on a phone). */
async function go(page, name) {
  const menu = page.getByRole('button', { name: 'Menu' });
  // a phone's menu: opened, unless it is open already
  if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) !== 'true') {
    await menu.click();
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

/** Waits until the condition holds, checking every 100 ms, for at most the timeout. */
async function until(condition, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `not within ${timeoutMs} ms: ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The focused element as tag:accessible name (its aria-label, or its label's or own text). */
async function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) {
      return '';
    }
    const name = e.getAttribute('aria-label') ?? e.labels?.[0]?.textContent ?? e.textContent ?? '';
    return `${e.tagName.toLowerCase()}:${name.trim()}`;
  });
}

/** Presses Tab (or Shift+Tab) until the element is focused: the keyboard's way there. */
async function tabTo(page, target, { back = false, most = 60 } = {}) {
  const seen = [];
  for (let i = 0; i < most; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    if (now === target) {
      return;
    }
    seen.push(now);
  }
  assert.fail(`${target} not reached by ${back ? 'Shift+' : ''}Tab; focus went ${seen.join(' > ')}`);
}

/** The bell's unread count, from its label. */
async function unread(page) {
  const label = (await page.locator('.bell').getAttribute('aria-label')) ?? '';
  return Number((label.match(/(\d+) unread/) ?? [])[1]);
}

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

  test("a German browser gets the dashboard and Keycloak's sign-in page in German", async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    await page.goto(`${BASE}/`);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL((url) => url.pathname.includes('/realms/'), { timeout: 30_000 });
    assert.match(new URL(page.url()).searchParams.get('ui_locales') ?? '', /^de/);
    await page.locator('#kc-login').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
    assert.match(await page.locator('#kc-login').inputValue().catch(() => page.locator('#kc-login').innerText()), /Anmelden/);
    await check(page, 'keycloak-de');
    await context.close();
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

  test('the owner uploads three documents, one dropped, and watches them index live', async () => {
    const page = ownerPage;
    const listLoads = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && new URL(r.url()).pathname === '/api/v1/documents') {
        listLoads.push(r.url());
      }
    });
    await go(page, 'Documents');
    await page.getByRole('heading', { name: 'Documents', level: 1 }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.getByLabel('Tags', { exact: true }).fill('handbook, 2026');
    await page.getByLabel('Choose files').setInputFiles([
      { name: 'opening-hours.md', mimeType: 'text/markdown', buffer: Buffer.from(HOURS) },
      { name: 'returns-policy.txt', mimeType: 'text/plain', buffer: Buffer.from(RETURNS) },
    ]);
    // the third by drag and drop
    await page.evaluate((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'delivery.txt', { type: 'text/plain' }));
      const zone = document.querySelector('[data-testid=dropzone]');
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, DELIVERY);
    for (const name of ['opening-hours.md', 'returns-policy.txt', 'delivery.txt']) {
      const row = page.locator(`.upload[data-file="${name}"]`);
      await row.and(page.locator('[data-status="indexed"]')).waitFor({ timeout: 120_000 });
      assert.match(await row.innerText(), /Ready · (\d+) of \1 chunks/);
    }
    // indexing was pushed, not polled: the list was loaded when the page opened (and when the
    // stream said it was live), never while the documents indexed
    assert.ok(listLoads.length <= 2, `list loads: ${listLoads.length}`);
    const items = page.getByRole('list', { name: 'Documents' }).getByRole('listitem');
    await items.filter({ hasText: 'delivery.txt' }).waitFor();
    assert.equal(await items.count(), 3);
    await check(page, 'documents');
    await page.setViewportSize(DESKTOP);
    await check(page, 'documents');
    await page.setViewportSize(PHONE);
  });

  test('the owner filters the documents, opens an original, and deletes one live', async () => {
    const page = ownerPage;
    const items = page.getByRole('list', { name: 'Documents' }).getByRole('listitem');
    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No documents here yet.').waitFor();
    await page.getByLabel('Status').selectOption('indexed');
    await items.first().waitFor();
    assert.equal(await items.count(), 3);
    await page.getByLabel('Tag', { exact: true }).fill('nothing-tagged-so');
    await page.getByText('No documents here yet.').waitFor();
    await page.getByLabel('Tag', { exact: true }).fill('handbook');
    await items.first().waitFor();
    assert.equal(await items.count(), 3);
    const download = page.waitForEvent('download');
    await items.filter({ hasText: 'returns-policy.txt' }).locator('.doc-title').click();
    const file = await download;
    assert.equal(file.suggestedFilename(), 'returns-policy.txt');
    const saved = await file.path();
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(saved, 'utf8'), RETURNS);
    page.once('dialog', (dialog) => dialog.accept());
    await items.filter({ hasText: 'delivery.txt' }).getByRole('button', { name: /^Delete/ }).click();
    await items.filter({ hasText: 'delivery.txt' }).waitFor({ state: 'detached' });
    assert.equal(await items.count(), 2);
  });

  test('a reindexed document goes through its statuses live', async () => {
    const page = ownerPage;
    await page.locator('.live').filter({ hasText: 'Live' }).waitFor();
    // no filter: a document being indexed again stays in the list
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Tag', { exact: true }).fill('');
    const all = page.getByRole('list', { name: 'Documents' }).getByRole('listitem');
    await all.nth(1).waitFor();
    // the statuses the reindexed document goes through arrive by the stream (nothing else
    // changes the list after a reindex)
    const row = page.getByRole('list', { name: 'Documents' }).getByRole('listitem').filter({ hasText: 'returns-policy.txt' });
    await row.evaluate((li) => {
      window.seenStatuses = [];
      new MutationObserver(() => window.seenStatuses.push(li.dataset.status)).observe(li, {
        attributes: true,
        attributeFilter: ['data-status'],
      });
    });
    await row.getByRole('button', { name: /^Reindex/ }).click();
    await page.getByRole('status').filter({ hasText: 'is being indexed again' }).waitFor();
    await page.waitForFunction(() => window.seenStatuses.at(-1) === 'indexed', null, { timeout: 60_000 });
    assert.ok((await page.evaluate(() => window.seenStatuses)).some((s) => s !== 'indexed'));
  });

  test('the owner asks, gets a streamed answer whose citation opens the right passage, and follows up', async () => {
    const page = ownerPage;
    const streamed = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/copilot/ask') {
        streamed.push(r.headers()['content-type']);
      }
    });
    await go(page, 'Ask');
    await page.getByRole('heading', { name: 'Ask your documents' }).waitFor();
    await page.getByLabel('Your question').fill('When does the bakery open on Saturday?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const answer = page.locator('.answer[data-done="true"]').first();
    await answer.waitFor({ timeout: 60_000 });
    assert.match(await answer.innerText(), /Saturday from 8:00 to 13:00/);
    assert.deepEqual(streamed.map((t) => t.split(';')[0]), ['text/event-stream']);
    await page.waitForURL(/\/ask\/[0-9a-f-]{36}$/);
    await check(page, 'ask');
    // the numbered mark opens the cited passage with its document and heading
    await answer.getByRole('button', { name: /^Source 1: opening-hours\.md$/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const passage = await dialog.innerText();
    assert.match(passage, /\[1\] opening-hours\.md/);
    assert.match(passage, /Opening hours/);
    assert.match(passage, /on Saturday from 8:00 to 13:00/);
    await check(page, 'ask-citation');
    const download = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Open the original' }).click();
    assert.equal((await download).suggestedFilename(), 'opening-hours.md');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // a follow-up in the same conversation, and a question the documents do not answer
    const conversation = page.url();
    await page.getByLabel('Ask a follow-up').fill('Can fresh bread be returned?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page.locator('.answer[data-done="true"]').nth(1).waitFor({ timeout: 60_000 });
    assert.match(await page.locator('.answer').nth(1).innerText(), /Fresh bread and cakes cannot be\s+returned/);
    assert.equal(page.url(), conversation);
    await page.getByLabel('Ask a follow-up').fill('What did the company pay for its delivery van in 2019?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const abstained = page.locator('.answer.abstained[data-done="true"]');
    await abstained.waitFor({ timeout: 60_000 });
    assert.match(await abstained.innerText(), /Your documents don't say\./);
    await check(page, 'ask-abstained');
    await page.setViewportSize(DESKTOP);
    await check(page, 'ask-abstained');
    await page.setViewportSize(PHONE);
    // the conversation is listed, and opens again with its three answers
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.waitForURL(`${BASE}/ask`);
    await page.getByRole('complementary').getByRole('link').first().click();
    await page.waitForURL(conversation);
    await page.locator('.answer[data-done="true"]').nth(2).waitFor();
  });

  test('the owner searches by keyword, by meaning and with filters, and sees where each hit is', async () => {
    const page = ownerPage;
    await go(page, 'Search');
    await page.getByRole('heading', { name: 'Search', level: 1 }).waitFor();
    await page.getByLabel('Search for').fill('refunds card');
    await page.getByLabel('By keyword').check();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /passages? \(By keyword\)/ }).waitFor();
    const first = page.locator('.hit').first();
    assert.match(await first.locator('.doc-title').innerText(), /returns-policy\.txt/);
    assert.match(await first.locator('mark').innerText(), /Refunds go back to the card/);
    await check(page, 'search');
    await page.getByLabel('By meaning').check();
    await page.getByLabel('Search for').fill('when are you open at the weekend');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /\(By meaning\)/ }).waitFor();
    assert.match(await page.locator('.hit').first().innerText(), /opening-hours\.md[\s\S]*Opening hours/);
    // a tag no document has: nothing
    await page.getByLabel('Tags').fill('no-such-tag');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^0 passages/ }).waitFor();
    await page.setViewportSize(DESKTOP);
    await check(page, 'search');
    await page.setViewportSize(PHONE);
  });

  test('the owner asks and opens a citation with the keyboard alone', async () => {
    const page = ownerPage;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${BASE}/`);
    await page.getByRole('heading', { name: `Welcome, ${owner.name}` }).waitFor();
    // the first Tab reaches the skip link, which moves focus to the page's content
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'a:Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    await tabTo(page, 'a:Ask', { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Ask your documents' }).waitFor();
    await tabTo(page, 'textarea:Your question');
    await page.keyboard.type('How long do I have to return unopened goods?');
    await page.keyboard.press('Enter');
    const answer = page.locator('.answer[data-done="true"]').first();
    await answer.waitFor({ timeout: 60_000 });
    assert.match(await answer.innerText(), /within 14 days/);
    await tabTo(page, 'button:Source 1: returns-policy.txt');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), 'focus is in the dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await focused(page), 'button:Source 1: returns-policy.txt');
    await page.setViewportSize(PHONE);
  });

  test('the owner makes a workflow from a template, fixes a mistake the API names, runs it and approves it', async () => {
    const page = ownerPage;
    await go(page, 'Workflows');
    await page.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();
    await page.getByText('No workflows yet').waitFor();
    await check(page, 'workflows');
    await page.setViewportSize(DESKTOP);
    await check(page, 'workflows');
    await page.setViewportSize(PHONE);
    await page.getByRole('button', { name: 'Use this template: Draft a cited reply to each customer email' }).click();
    const form = page.getByRole('form', { name: /New workflow from Draft a cited reply/ });
    await form.getByLabel('Name').fill('Replies to customers');
    // the API names a missing parameter on its field
    await form.getByRole('button', { name: 'Create workflow' }).click();
    await form.locator('.field .error').filter({ hasText: /^is required: the collection's id where customer emails/ }).waitFor();
    assert.equal(await form.getByLabel('collection', { exact: true }).getAttribute('aria-invalid'), 'true');
    await form.getByLabel('collection', { exact: true }).selectOption({ index: 1 });
    await form.getByLabel('knowledge', { exact: true }).selectOption({ index: 1 });
    await form.getByRole('button', { name: 'Create workflow' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Replies to customers', level: 1 }).waitFor();
    assert.match(await page.locator('.doc-meta').first().innerText(), /Version 1/);

    // an edit the API refuses: the error is shown on the step and the field it names
    const steps = page.getByRole('list', { name: 'Steps' }).getByRole('listitem');
    assert.equal(await steps.count(), 4);
    const send = steps.nth(3);
    await send.getByText('More: branching, timeouts, retries').click();
    await send.getByLabel('Next step').fill('nowhere');
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await send.getByText('names no step: nowhere').waitFor();
    assert.equal(await send.getByLabel('Next step').getAttribute('aria-invalid'), 'true');
    assert.equal(await steps.nth(0).locator('[aria-invalid=true]').count(), 0);
    await check(page, 'workflow-invalid');
    await send.getByLabel('Next step').fill('');
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: version 2 runs from now on.' }).waitFor();
    await check(page, 'workflow');
    await page.setViewportSize(DESKTOP);
    await check(page, 'workflow');
    await page.setViewportSize(PHONE);

    // run it on a document: it drafts a reply, then waits for the owner's approval, which the
    // bell announces live
    const before = await unread(page);
    await page.getByLabel('On a document').selectOption({ label: 'returns-policy.txt' });
    assert.match(await page.getByLabel('Input (JSON)').inputValue(), /"documentId": "[0-9a-f-]{36}"/);
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const approval = page.getByRole('form', { name: /^Approval needed: Send this reply to / });
    await approval.waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      (was) => Number(((document.querySelector('.bell')?.getAttribute('aria-label') ?? '').match(/(\d+) unread/) ?? [])[1]) > was,
      before,
      { timeout: 60_000 },
    );
    const timeline = page.getByRole('list', { name: 'Steps' });
    assert.equal(await timeline.locator('[data-step=email] [data-status=succeeded]').count(), 1);
    assert.equal(await timeline.locator('[data-step=draft] [data-status=succeeded]').count(), 1);
    await timeline.locator('[data-step=draft] summary').getByText('Output', { exact: true }).click();
    assert.match(await timeline.locator('[data-step=draft] pre').nth(1).innerText(), /"answer"/);
    await check(page, 'run-waiting');
    await page.setViewportSize(DESKTOP);
    await check(page, 'run-waiting');
    await page.setViewportSize(PHONE);
    await approval.getByLabel('Comment (optional)').fill('Looks right');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await page.locator('.title-row:has(#run-title) [data-status=succeeded]').waitFor({ timeout: 60_000 });
    await timeline.locator('[data-step=send] [data-status=succeeded]').waitFor();
    assert.match(await page.getByText(/: approved \(Looks right\)/).innerText(), /approved/);
    await check(page, 'run');
    // the approved reply arrives in the feed live
    await page.locator('.bell').click();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await page.getByRole('link', { name: /^Reply approved: / }).first().waitFor({ timeout: 60_000 });
  });

  test('a failed run is retried from its failed step, and a waiting run is cancelled', async () => {
    const page = ownerPage;
    let calls = 0;
    const server = createServer((request, response) => {
      calls += 1;
      request.resume();
      request.on('end', () => response.writeHead(calls === 1 ? 503 : 200, { 'Content-Type': 'application/json' }).end('{"ok": true}'));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await go(page, 'Workflows');
      await page.getByRole('button', { name: 'Use this template: Blank workflow' }).click();
      const form = page.getByRole('form', { name: /New workflow from Blank workflow/ });
      await form.getByLabel('Name').fill('Order sync');
      await form.getByRole('button', { name: 'Create workflow' }).click();
      await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
      const step = page.getByRole('list', { name: 'Steps' }).getByRole('listitem').first();
      await step.getByLabel('Step id').fill('post');
      await step.getByLabel('Type').selectOption('http');
      const url = `http://127.0.0.1:${server.address().port}/orders`;
      await step.getByLabel('Inputs (JSON)').fill(JSON.stringify({ method: 'POST', url, body: { order: 42 } }));
      await step.getByText('More: branching, timeouts, retries').click();
      await step.getByLabel('Retry policy').fill('{"maxAttempts": 1}');
      await page.getByRole('button', { name: 'Save as a new version' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved: version 2' }).waitFor();
      await page.getByRole('button', { name: 'Start run' }).click();
      await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
      const status = (s) => page.locator(`.title-row:has(#run-title) [data-status=${s}]`);
      await status('failed').waitFor({ timeout: 60_000 });
      assert.match(await page.locator('[data-step=post]').innerText(), /http\.503/);
      await check(page, 'run-failed');
      await page.getByRole('button', { name: 'Retry from the failed step' }).click();
      await status('succeeded').waitFor({ timeout: 60_000 });
      assert.equal(calls, 2);

      // a run waiting for its approval is cancelled
      await go(page, 'Workflows');
      await page.getByRole('link', { name: 'Replies to customers' }).click();
      await page.getByLabel('On a document').selectOption({ label: 'opening-hours.md' });
      await page.getByRole('button', { name: 'Start run' }).click();
      await page.getByRole('form', { name: /^Approval needed: / }).waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Cancel run' }).click();
      await status('cancelled').waitFor({ timeout: 30_000 });
      assert.equal(await page.getByRole('form', { name: /^Approval needed: / }).count(), 0);
    } finally {
      server.close();
    }
  });

  test('the owner makes a role and an API key whose secret is shown once and works', async () => {
    const page = ownerPage;
    await go(page, 'Settings');
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    const settings = page.getByRole('navigation', { name: 'Settings' });
    await settings.getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('heading', { name: 'Roles', level: 1 }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('support');
    await page.getByLabel('Description').fill('Answers customers from the documents');
    await page.getByRole('checkbox', { name: 'documents:read' }).check();
    await page.getByRole('checkbox', { name: 'copilot:ask' }).check();
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('status').filter({ hasText: 'The role support is saved.' }).waitFor();
    const support = page.getByRole('list', { name: 'Roles' }).getByRole('listitem').filter({ hasText: 'Answers customers' });
    assert.match(await support.innerText(), /copilot:ask[\s\S]*documents:read|documents:read[\s\S]*copilot:ask/);
    await check(page, 'roles');

    await settings.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByText('No API keys yet.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Books Ltd');
    await page.getByRole('checkbox', { name: 'documents:read' }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('secret').innerText()).trim();
    assert.ok(secret.length > 20, 'a secret is shown');
    await check(page, 'api-keys');
    // the key reads the documents, and nothing beyond its scope
    const documents = await fetch(`${BASE}/api/v1/documents`, { headers: { 'X-API-Key': secret } });
    assert.equal(documents.status, 200);
    assert.equal((await documents.json()).items.length, 2);
    const members = await fetch(`${BASE}/api/v1/members`, { headers: { 'X-API-Key': secret } });
    assert.equal(members.status, 403);
    // shown once: opened again, the page lists the key by its prefix, never its secret
    await settings.getByRole('link', { name: 'Roles' }).click();
    await settings.getByRole('link', { name: 'API keys' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Books Ltd' });
    await row.waitFor();
    assert.ok(secret.startsWith((await row.locator('code').innerText()).trim()));
    assert.equal(await page.getByTestId('secret').count(), 0);
    assert.doesNotMatch(await page.content(), new RegExp(secret.slice(-12)));
    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: 'Revoke: Books Ltd' }).click();
    await row.getByRole('cell', { name: 'revoked' }).waitFor();
    await page.setViewportSize(DESKTOP);
    await check(page, 'api-keys');
    await page.setViewportSize(PHONE);
  });

  test('the owner adds a webhook, sends a test event that arrives signed, and sends it again', async () => {
    const page = ownerPage;
    const received = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${server.address().port}/hooks/copilot`;
    try {
      await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await page.getByLabel('URL').fill(url);
      await page.getByLabel('Description', { exact: true }).fill('Our order system');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const secret = (await page.getByTestId('secret').innerText()).trim();
      assert.match(secret, /^whsec_/);
      await check(page, 'webhooks');
      await page.getByRole('link', { name: 'Open the endpoint' }).click();
      await page.getByRole('heading', { name: url, level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Send a test event' }).click();
      const delivery = page.locator('.delivery').first();
      await delivery.and(page.locator('[data-status=delivered]')).waitFor({ timeout: 60_000 });
      assert.equal(received.length, 1);
      // signed as Standard Webhooks says: HMAC-SHA256 of id.timestamp.body with the secret
      const { headers, body } = received[0];
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('base64');
      assert.ok(headers['webhook-signature'].split(' ').includes(`v1,${expected}`), 'the signature verifies');
      await delivery.getByText('Attempts').click();
      assert.match(await delivery.innerText(), /204/);
      await check(page, 'webhook');
      await delivery.getByRole('button', { name: /^Send again/ }).click();
      await page.getByRole('status').filter({ hasText: 'Sent again' }).waitFor();
      await until(() => received.length >= 2);
      assert.equal(received.length, 2);
      assert.equal(received[1].headers['webhook-id'], headers['webhook-id']);
      await page.setViewportSize(DESKTOP);
      await check(page, 'webhook');
      await page.setViewportSize(PHONE);
    } finally {
      server.close();
    }
  });

  test('the owner reads the audit log filtered, the model in use, usage by day and person, runs an evaluation, sets the data retention, exports the business and downloads it, and asks for the erasure and cancels it', async () => {
    const page = ownerPage;
    const settings = page.getByRole('navigation', { name: 'Settings' });
    await settings.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'role.created' }).waitFor();
    await page.getByLabel('Action').fill('api-key.*');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '2 events shown.' }).waitFor();
    const actions = await page.locator('tbody tr td:nth-child(2)').allInnerTexts();
    assert.deepEqual(actions.sort(), ['api-key.created', 'api-key.revoked']);
    await check(page, 'audit');

    await settings.getByRole('link', { name: 'Model' }).click();
    await page.getByRole('heading', { name: 'Model', level: 1 }).waitFor();
    assert.match(await page.locator('.facts').innerText(), /The platform's default/);
    await page.getByLabel('Provider', { exact: true }).selectOption('openai');
    await page.getByRole('textbox', { name: 'Model', exact: true }).fill('gpt-4o-mini');
    await page.getByLabel('API base URL').fill('http://169.254.169.254/v1');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').waitFor();
    // the API refuses an internal address, on the field; nothing changed
    assert.equal(await page.getByLabel('API base URL').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('.facts').innerText(), /The platform's default/);
    await check(page, 'model');

    await settings.getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
    await page.getByTestId('usage-chart').waitFor();
    const today = new Date().toISOString().slice(0, 10);
    const day = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: today }) });
    assert.ok(Number(await day.getByRole('cell').first().innerText()) >= 3, 'the three answers of today');
    await page.getByLabel('Group by').selectOption('user');
    await page.getByRole('rowheader', { name: owner.name }).waitFor();
    await check(page, 'usage');
    await page.setViewportSize(DESKTOP);
    await check(page, 'usage');
    await page.setViewportSize(PHONE);

    await settings.getByRole('link', { name: 'Evaluations' }).click();
    await page.getByRole('heading', { name: 'Evaluations', level: 1 }).waitFor();
    await page.getByLabel('Name (optional)').fill('Bakery basics');
    await page
      .getByLabel('Questions')
      .fill('When does the bakery open on Saturday? | 8:00 to 13:00\nWhat did the company pay for its delivery van in 2019?');
    await page.getByRole('button', { name: 'Run evaluation' }).click();
    const results = page.getByRole('region', { name: 'Bakery basics' }).first();
    await results.waitFor({ timeout: 120_000 });
    const rows = results.locator('tbody tr');
    assert.equal(await rows.count(), 2);
    assert.match(await rows.nth(0).innerText(), /8:00 to 13:00\tcorrect\t([1-9]\d*) \/ \1$/);
    assert.match(await rows.nth(1).innerText(), /\(to be refused\)\trefused, rightly/);
    assert.match(await results.getByRole('status').innerText(), /Correct 100%/);
    await page.getByRole('list', { name: 'Evaluation runs' }).getByText('Bakery basics').waitFor();
    await check(page, 'evaluations');

    await settings.getByRole('link', { name: 'Data retention' }).click();
    await page.getByRole('heading', { name: 'Data retention', level: 1 }).waitFor();
    await page.getByLabel('Copilot conversations (since their last message)').fill('90');
    await page.getByLabel('Audit log', { exact: true }).fill('365');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'older data is deleted within the hour' }).waitFor();
    await page.getByText(/^Last changed on /).waitFor();
    // kept by the API: read again on a fresh visit, an empty field stays "for ever"
    await settings.getByRole('link', { name: 'Usage' }).click();
    await settings.getByRole('link', { name: 'Data retention' }).click();
    await page.getByRole('heading', { name: 'Data retention', level: 1 }).waitFor();
    await page.getByText(/^Last changed on /).waitFor();
    assert.equal(await page.getByLabel('Copilot conversations (since their last message)').inputValue(), '90');
    assert.equal(await page.getByLabel('Finished workflow runs').inputValue(), '');
    await check(page, 'retention');

    // exporting the business: asked, built in the background, then downloaded as one zip with its
    // manifest
    await settings.getByRole('link', { name: 'Export the data' }).click();
    await page.getByRole('heading', { name: 'Export the data', level: 1 }).waitFor();
    await page.getByText('No export asked yet.').waitFor();
    await page.getByRole('button', { name: 'Export everything' }).click();
    const exports = page.getByRole('region', { name: 'Exports' });
    const download = exports.getByRole('button', { name: 'Download' });
    await download.waitFor({ timeout: 120_000 });
    assert.match(await exports.locator('tbody tr').first().innerText(), /\tReady\t\d+(\.\d)? kB\t/);
    await check(page, 'export');
    const [saved] = await Promise.all([page.waitForEvent('download'), download.click()]);
    assert.match(saved.suggestedFilename(), /^smb-copilot-export-\d{4}-\d{2}-\d{2}\.zip$/);
    const zip = await readFile(await saved.path());
    assert.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'a zip archive');
    assert.ok(zip.includes('manifest.json'), 'the archive holds its manifest');

    // erasing the business: only its name exactly unlocks it; asked, it says when, and is cancelled
    await settings.getByRole('link', { name: 'Delete the business' }).click();
    await page.getByRole('heading', { name: 'Delete the business', level: 1 }).waitFor();
    const name = page.getByLabel(/^Type the business's name to confirm/);
    const erase = page.getByRole('button', { name: 'Erase the business' });
    await name.fill(owner.business.toLowerCase());
    assert.equal(await erase.isDisabled(), true, 'a name in another case does not confirm');
    await name.fill(owner.business);
    await check(page, 'erasure');
    await erase.click();
    const due = page.getByRole('alert').filter({ hasText: 'This business will be erased on' });
    await due.waitFor();
    await check(page, 'erasure-due');
    await page.getByRole('button', { name: 'Cancel the erasure' }).click();
    await page.getByRole('button', { name: 'Erase the business' }).waitFor();
    assert.equal(await due.count(), 0);
  });

  test('the owner chooses where a kind of notification goes, and it is kept', async () => {
    const page = ownerPage;
    await page.locator('.bell').click();
    await page.getByRole('link', { name: 'Notification preferences' }).click();
    await page.getByRole('heading', { name: 'Notification preferences', level: 1 }).waitFor();
    const finished = page.getByLabel('A workflow run you started finished');
    await finished.selectOption('none');
    await page.getByLabel('Gather the day').check();
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByRole('status').filter({ hasText: 'Your preferences are saved.' }).waitFor();
    await check(page, 'preferences');
    // a reload keeps the session in the tab, without a round trip to Keycloak; no token is ever
    // in localStorage
    const toKeycloak = [];
    page.on('request', (r) => new URL(r.url()).pathname.includes('/realms/') && toKeycloak.push(r.url()));
    await page.reload();
    await page.getByRole('heading', { name: 'Notification preferences', level: 1 }).waitFor({ timeout: 30_000 });
    assert.deepEqual(toKeycloak.filter((u) => /\/(auth|token)\b/.test(u)), []);
    assert.doesNotMatch(await page.evaluate(() => JSON.stringify(localStorage)), /access_token|refresh_token/);
    await page.getByLabel('Time zone').and(page.locator('[value="Europe/Berlin"]')).waitFor();
    assert.equal(await page.getByLabel('A workflow run you started finished').inputValue(), 'none');
    assert.equal(await page.getByLabel('Gather the day').isChecked(), true);
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
    await go(page, 'Home');
    // Home: what happened, recent questions (the conversation), usage this month
    const card = (name) => page.getByRole('region', { name });
    await card('What happened lately').getByRole('listitem').first().waitFor();
    await card('Recent questions').getByRole('link', { name: 'When does the bakery open on Saturday?' }).waitFor();
    assert.match(await card("This month's usage").innerText(), /tokens/);
    await card('Being indexed').getByText('No document is being indexed.').waitFor();
    await check(page, 'home-cards');
    await page.getByLabel('Language').selectOption('de');
    await page.getByRole('heading', { name: `Willkommen, ${owner.name}` }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
    await check(page, 'home-de');
    await page.getByLabel('Sprache').selectOption('en');
    await page.getByRole('heading', { name: `Welcome, ${owner.name}` }).waitFor();
  });

  let acceptUrl;
  let unreadBefore;
  test('the owner invites a member from Settings, and the invitation is mailed', async () => {
    const page = ownerPage;
    await go(page, 'Settings');
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
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
    unreadBefore = await unread(page);
    const mail = await awaitMail(member.email, 'invit');
    acceptUrl = linkIn(mail.mimeMessage, `${BASE}/accept-invitation?token=`);
  });

  test('the member accepts by the emailed link, signs in, is kept out of the admin pages, exports their own data and leaves', async () => {
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
    assert.match(nav, /Settings/);
    // typed in by hand: the page says it is not for this role (the app keeps the session)
    await page.evaluate(() => {
      window.history.pushState({}, '', '/settings/members');
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    await page.getByRole('heading', { name: 'Not for your role' }).waitFor();
    await check(page, 'forbidden');

    // their own settings: Your data alone; they export what is theirs and download it
    await go(page, 'Settings');
    await page.getByRole('heading', { name: 'Your data', level: 1 }).waitFor();
    const menu = page.getByRole('navigation', { name: 'Settings' });
    assert.deepEqual(await menu.getByRole('link').allInnerTexts(), ['Your data']);
    await page.getByRole('button', { name: 'Export my data' }).click();
    const exports = page.getByRole('region', { name: 'Exports' });
    const download = exports.getByRole('button', { name: 'Download' });
    await download.waitFor({ timeout: 120_000 });
    await check(page, 'my-data');
    const [saved] = await Promise.all([page.waitForEvent('download'), download.click()]);
    assert.match(saved.suggestedFilename(), /^smb-copilot-my-data-\d{4}-\d{2}-\d{2}\.zip$/);
    const zip = await readFile(await saved.path());
    assert.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'a zip archive');
    assert.ok(zip.includes('auth-service/membership.jsonl'), 'the archive holds their membership');
    assert.ok(!zip.includes('originals/'), "the business's documents are not theirs");

    // leaving: only once they say they understand; then they are signed out, and cannot sign in
    const leave = page.getByRole('button', { name: 'Leave the business' });
    assert.equal(await leave.isDisabled(), true);
    await page.getByRole('checkbox', { name: 'I understand that my account is deleted' }).check();
    await leave.click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname.includes('/realms/'));
    await page.locator('#username').fill(member.email);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#kc-login').click();
    await page.getByText('Invalid username or password.').first().waitFor();
    await context.close();
  });

  test('the owner sees the member joining arrive live on the bell, then in the feed', async () => {
    const page = ownerPage;
    // no reload: the count comes by the notification stream
    await page.waitForFunction(
      (before) => {
        const label = document.querySelector('.bell')?.getAttribute('aria-label') ?? '';
        return Number((label.match(/(\d+) unread/) ?? [])[1]) > before;
      },
      unreadBefore,
      { timeout: 60_000 },
    );
    await page.locator('.bell').click();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    const feed = page.getByRole('list', { name: 'Notifications' });
    await feed.getByRole('listitem').filter({ hasText: `${member.email} joined` }).first().waitFor();
    await check(page, 'notifications');
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.waitForFunction(() => !document.querySelector('[data-testid=unread]'));
    assert.equal(await unread(page), 0);
    await go(page, 'Settings');
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
  });

  test('the owner pseudonymises the member who left, once they confirm', async () => {
    const page = ownerPage;
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    const former = page.getByRole('region', { name: 'Former members' });
    await former.getByRole('button', { name: `Pseudonymise ${member.email}` }).click();
    await former.getByText('This cannot be undone.').waitFor();
    await check(page, 'former-members');
    await former.getByRole('button', { name: `Pseudonymise ${member.email}` }).click();
    const status = former.getByRole('status');
    await status.waitFor();
    assert.match(await status.innerText(), /is now former-member-[0-9a-f]{12} in the business's records/);
    await former.getByText('Nobody to pseudonymise.').waitFor();
  });

  test('a reload keeps the owner signed in, on the same page', async () => {
    const page = ownerPage;
    await page.reload();
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor({ timeout: 30_000 });
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
