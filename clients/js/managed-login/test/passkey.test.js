// Choice-based sign-in and passkeys on Cognate's managed login pages in
// headless Chromium, with Chromium's virtual authenticator (the DevTools
// protocol's WebAuthn domain): a password sign-in through the choice page
// ends on "Add a passkey?", Add registers a passkey (navigator.credentials
// .create run by the pages' passkey.js), sign-out, then a sign-in with the
// passkey (navigator.credentials.get) through the choice page; and an
// email-code sign-in reading the code from the outbox, then Not now. The
// new pages pass axe-core and are photographed into docs/managed-login/,
// with a sign-in page styled by a ManagedLoginBranding style.
//
// The Go test that runs this (internal/app, TestManagedPasskeysInChromium)
// sets PK_AUTH_URL (an authorization request at http://localhost), PK_LOGOUT_URL,
// PK_USERNAME, PK_PASSWORD, PK_OTP_USERNAME, PK_BRAND_URL (a branded
// domain's sign-in page), OUTBOX and CHROMIUM. Without
// PK_AUTH_URL (as when TestManagedLoginInChromium runs this directory) it
// is skipped.

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { launchWithRP } from '../rp.js';

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, '..', '..', '..', '..', 'docs', 'managed-login');
const env = process.env;

function lastCode() {
  const files = readdirSync(env.OUTBOX).filter((f) => f.endsWith('.eml'))
    .map((f) => join(env.OUTBOX, f)).sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  const m = readFileSync(files.at(-1), 'utf8').match(/\b(\d{6})\b/);
  assert.ok(m, 'no code in the newest message');
  return m[1];
}

test('passkeys and choice-based sign-in on the managed pages', { skip: !env.PK_AUTH_URL }, async () => {
  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  mkdirSync(shots, { recursive: true });
  const { browser, close } = await launchWithRP(chromium, env.CHROMIUM);
  try {
    const open = async () => {
      const context = await browser.newContext({ viewport: { width: 520, height: 760 }, locale: 'en-US' });
      const page = await context.newPage();
      const errors = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      return { context, page, errors };
    };
    const check = async (page, name) => {
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => globalThis.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      }));
      const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      assert.deepEqual(found, [], `accessibility violations on ${name}`);
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    };
    const callback = async (page) => {
      await page.waitForURL((u) => u.host === 'rp.test', { timeout: 30_000 });
      return new URL(page.url()).searchParams;
    };
    const choose = async (page, username) => {
      await page.goto(env.PK_AUTH_URL);
      await page.getByLabel('Username').fill(username);
      assert.equal(await page.locator('input[type=password]').count(), 0, 'the choice sign-in page asks for a password');
      return page;
    };

    const { page, context, errors } = await open();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
        isUserVerified: true, automaticPresenceSimulation: true },
    });

    // Password through the choice page, then "Add a passkey?": Add.
    await choose(page, env.PK_USERNAME);
    await check(page, 'choice-username');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Password' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Passkey' }).count(), 0, 'a passkey is offered before there is one');
    await page.getByRole('button', { name: 'Password' }).click();
    await page.getByLabel('Password').fill(env.PK_PASSWORD);
    await check(page, 'choice-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Add a passkey?' }).waitFor();
    await check(page, 'passkey-prompt');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    let back = await callback(page);
    assert.ok(back.get('code'), 'no code after adding the passkey');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the authenticator holds no passkey');

    // Sign out, and in again with the passkey.
    // (The context's request client, which shares the page's cookies, signs
    // out, so that the redirect itself can be checked.)
    const out = await context.request.get(env.PK_LOGOUT_URL, { maxRedirects: 0 });
    assert.equal(out.status(), 302);
    assert.equal(out.headers().location, 'http://rp.test/signed-out');
    assert.ok(!(await context.cookies()).some((c) => c.name === 'cognate-session'), 'the session cookie outlived the logout');
    await choose(page, env.PK_USERNAME);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Passkey' }).waitFor();
    await check(page, 'choice');
    await page.getByRole('button', { name: 'Passkey' }).click();
    await page.getByRole('button', { name: 'Use passkey' }).waitFor();
    await check(page, 'passkey-signin');
    await page.getByRole('button', { name: 'Use passkey' }).click();
    back = await callback(page);
    assert.ok(back.get('code'), 'no code after the passkey sign-in');
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.ok(after.credentials[0].signCount > credentials[0].signCount, 'the passkey was not used');
    assert.deepEqual(errors, [], 'console errors');

    // An email code, in a new browser; then Not now.
    const other = await open();
    await choose(other.page, env.PK_OTP_USERNAME);
    await other.page.getByRole('button', { name: 'Next' }).click();
    await other.page.getByRole('button', { name: 'Email me a code' }).click();
    await other.page.getByLabel('Code').waitFor();
    await check(other.page, 'email-code');
    await other.page.getByLabel('Code').fill(lastCode());
    await other.page.getByRole('button', { name: 'Verify' }).click();
    await other.page.getByRole('button', { name: 'Not now' }).click();
    back = await callback(other.page);
    assert.ok(back.get('code'), 'no code after the email code');

    // A managed-login domain's branding style: its colours and logo.
    await other.page.goto(env.PK_BRAND_URL);
    const logo = other.page.locator('img.logo');
    await logo.waitFor();
    assert.ok(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the branding logo did not load');
    const button = await other.page.getByRole('button', { name: 'Sign in' }).evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.equal(button, 'rgb(90, 45, 130)');
    await check(other.page, 'branded-signin');
  } finally {
    await close();
  }
});
