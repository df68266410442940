// Cognate's managed login pages in headless Chromium (Debian's chromium
// driven by playwright-core), as a user would use them: sign in through to
// the relying party's callback, sign up and confirm with the emailed code,
// sign in with a TOTP code. Each page passes an axe-core accessibility
// check (WCAG 2.x A and AA rules) and is photographed into
// docs/managed-login/ at the repository's root.
//
// The Go test that runs this (internal/app, TestManagedLoginInChromium)
// sets AUTH_URL (an authorization request with PKCE), BAD_URL (one with an
// unregistered redirect_uri), SETUP_URL and SETUP_USERNAME (a pool that requires MFA),
// USERNAME, PASSWORD, MFA_USERNAME, TEMP_USERNAME, TEMP_PASSWORD,
// TOTP_SECRET, OUTBOX (the development outbox directory) and CHROMIUM.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test, before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { launchWithRP } from '../rp.js';

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, '..', '..', '..', '..', 'docs', 'managed-login');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const env = process.env;
let browser, closeBrowser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  ({ browser, close: closeBrowser } = await launchWithRP(chromium, env.CHROMIUM));
});
after(async () => { await closeBrowser?.(); });

// newPage opens a page in a new context.
async function newPage() {
  const context = await browser.newContext({ viewport: { width: 520, height: 760 }, locale: 'en-US' });
  const page = await context.newPage();
  return page;
}

// check runs axe-core on the page (evaluated over the DevTools protocol:
// the page's CSP allows no script) and saves its screenshot.
async function check(page, name, screenshot = true) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => globalThis.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(found, [], `accessibility violations on ${name}`);
  if (screenshot) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

// callback waits for the relying party's callback and returns its query.
async function callback(page) {
  await page.waitForURL((u) => u.host === 'rp.test', { timeout: 30_000 });
  return new URL(page.url()).searchParams;
}

function totp(secret, time = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const o = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

// lastCode reads the code of the newest message in the outbox.
function lastCode() {
  const files = readdirSync(env.OUTBOX).filter((f) => f.endsWith('.eml'))
    .map((f) => join(env.OUTBOX, f)).sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  const m = readFileSync(files.at(-1), 'utf8').match(/\b(\d{6})\b/);
  assert.ok(m, 'no code in the newest message');
  return m[1];
}

test('sign in on the managed page through to the callback', async () => {
  const page = await newPage();
  await page.goto(env.AUTH_URL);
  await check(page, 'sign-in');
  await page.getByLabel('Username').fill(env.USERNAME);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /Incorrect username or password/);
  await check(page, 'sign-in-error');
  await page.getByLabel('Password').fill(env.PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const q = await callback(page);
  assert.ok(q.get('code'), 'a code');
  assert.equal(q.get('state'), 'browser-state');
  await page.context().close();
});

test('the pages in Japanese, German and French, and the error page', async () => {
  const page = await newPage();
  await page.goto(env.AUTH_URL + '&lang=ja');
  assert.equal(await page.locator('h1').textContent(), 'サインイン');
  await check(page, 'sign-in-ja', false); // no screenshot: the test machine has no Japanese font
  await page.goto(env.AUTH_URL + '&lang=de');
  assert.equal(await page.locator('h1').textContent(), 'Anmelden');
  await check(page, 'sign-in-de');
  await page.goto(env.BAD_URL + '&lang=fr');
  assert.match(await page.getByRole('alert').textContent(), /n'est pas enregistrée/);
  await check(page, 'error-fr');
  await page.context().close();
});

test('sign up and confirm, then sign in', async () => {
  const page = await newPage();
  await page.goto(env.AUTH_URL);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await check(page, 'sign-up');
  await page.getByLabel('Username').fill('browser-user');
  await page.getByLabel('Email').fill('browser-user@example.com');
  await page.getByLabel('Password').fill('Browser-Passw0rd!');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByLabel('Code').waitFor();
  await check(page, 'confirm-sign-up');
  await page.getByLabel('Code').fill(lastCode());
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByLabel('Password').waitFor();
  await page.getByLabel('Password').fill('Browser-Passw0rd!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.ok((await callback(page)).get('code'));
  await page.context().close();
});

test('forgot password page', async () => {
  const page = await newPage();
  await page.goto(env.AUTH_URL);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await check(page, 'forgot-password');
  await page.getByLabel('Username').fill(env.USERNAME);
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code').waitFor();
  await check(page, 'reset-password');
  await page.context().close();
});

test('a temporary password replaced on the new-password page', async () => {
  const page = await newPage();
  await page.goto(env.AUTH_URL);
  await page.getByLabel('Username').fill(env.TEMP_USERNAME);
  await page.getByLabel('Password').fill(env.TEMP_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('New password').waitFor();
  await check(page, 'new-password');
  await page.getByLabel('New password').fill('Brand-New-Passw0rd');
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.ok((await callback(page)).get('code'));
  await page.context().close();
});

test('TOTP set-up with a QR code, when the pool requires MFA', async () => {
  const page = await newPage();
  await page.goto(env.SETUP_URL);
  await page.getByLabel('Username').fill(env.SETUP_USERNAME);
  await page.getByLabel('Password').fill(env.PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
  await check(page, 'totp-setup');
  const key = (await page.locator('code').textContent()).trim();
  await page.getByLabel('Code').fill(totp(key));
  await page.getByRole('button', { name: 'Verify' }).click();
  const q = await callback(page);
  assert.ok(q.get('code'));
  assert.equal(q.get('state'), 'setup-state');
  await page.context().close();
});

test('TOTP MFA: one code field', async () => {
  const page = await newPage();
  await page.goto(env.AUTH_URL);
  await page.getByLabel('Username').fill(env.MFA_USERNAME);
  await page.getByLabel('Password').fill(env.PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Code').waitFor();
  await check(page, 'mfa-totp');
  await page.getByLabel('Code').fill(totp(env.TOTP_SECRET));
  await page.getByRole('button', { name: 'Verify' }).click();
  assert.ok((await callback(page)).get('code'));
  await page.context().close();
});
