// Passkeys through Amplify v6 in headless Chromium (Debian's chromium
// driven by playwright-core), with Chromium's virtual authenticator
// standing in for Touch ID or a security key (CDP WebAuthn domain): a user
// signs in with a password, registers a passkey with
// associateWebAuthnCredential, lists it, signs out, signs in with the
// passkey (signIn with USER_AUTH and WEB_AUTHN), and deletes it. The page
// is served from http://localhost, a secure context, and the pool's
// relying party is "localhost". The screenshot goes to docs/ at the
// repository's root.
//
// The Go test that runs this (internal/app, TestPasskeysInChromium) sets
// COGNATE_ENDPOINT, POOL_ID, CLIENT_ID, USERNAME, PASSWORD and CHROMIUM.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..');
const shots = join(pkg, '..', '..', '..', 'docs');
const env = process.env;

// bundle builds the page into a fresh directory.
async function bundle() {
  const dir = mkdtempSync(join(tmpdir(), 'passkeys-page-'));
  await build({
    entryPoints: [join(pkg, 'src', 'passkeys.js')], bundle: true, format: 'esm', platform: 'browser',
    target: ['es2020'], outfile: join(dir, 'passkeys.js'), logLevel: 'warning',
  });
  copyFileSync(join(pkg, 'src', 'index.html'), join(dir, 'index.html'));
  return dir;
}

// serve serves dir on a free port of the loopback interface.
async function serve(dir) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
  const server = createServer((req, res) => {
    const name = new URL(req.url, 'http://localhost').pathname.slice(1) || 'index.html';
    if (!(name in { 'index.html': 1, 'passkeys.js': 1 })) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[name.slice(name.lastIndexOf('.'))] });
    res.end(readFileSync(join(dir, name)));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

// step clicks a button and waits for the step's outcome.
async function step(page, name) {
  await page.evaluate(() => { document.querySelector('#status').dataset.state = ''; });
  await page.locator(`[data-step=${name}]`).click();
  await page.locator('#status[data-state=done]').waitFor({ state: 'attached', timeout: 30_000 });
  const outcome = JSON.parse(await page.locator('#status').textContent());
  assert.ok(outcome.ok, `${name}: ${outcome.name}: ${outcome.message}`);
  return outcome.result;
}

test('Amplify v6 registers a passkey and signs in with it', { skip: !env.COGNATE_ENDPOINT && 'COGNATE_ENDPOINT is not set', timeout: 180_000 }, async () => {
  const server = await serve(await bundle());
  const browser = await chromium.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 560 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
        isUserVerified: true, automaticPresenceSimulation: true,
      },
    });

    const q = new URLSearchParams({ pool: env.POOL_ID, client: env.CLIENT_ID, endpoint: env.COGNATE_ENDPOINT });
    await page.goto(`http://localhost:${server.address().port}/?${q}`);
    assert.equal(await page.evaluate(() => window.isSecureContext), true, 'http://localhost is a secure context');
    await page.locator('#username').fill(env.USERNAME);
    await page.locator('#password').fill(env.PASSWORD);

    const first = await step(page, 'password');
    assert.equal(first.isSignedIn, true);
    await step(page, 'register');
    let { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the authenticator holds one passkey');
    assert.equal(credentials[0].rpId, 'localhost');
    assert.equal(credentials[0].isResidentCredential, true, 'a discoverable credential, as the options require');
    const listed = await step(page, 'list');
    assert.equal(listed.length, 1);
    assert.equal(listed[0].relyingPartyId, 'localhost');
    assert.equal(Buffer.from(credentials[0].credentialId, 'base64').toString('base64url'), listed[0].credentialId,
      'the server lists the authenticator\'s credential');
    await step(page, 'signOut');

    const signedIn = await step(page, 'passkey');
    assert.equal(signedIn.out.isSignedIn, true);
    assert.equal(signedIn.out.nextStep.signInStep, 'DONE');
    assert.equal(signedIn.username, env.USERNAME);
    assert.equal(signedIn.hasAccessToken, true);
    ({ credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId }));
    assert.ok(credentials[0].signCount >= 1, 'the authenticator signed an assertion');
    await step(page, 'list');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'passkeys-amplify.png') });

    await step(page, 'remove');
    assert.deepEqual(await step(page, 'list'), []);
    assert.deepEqual(errors, [], 'no script errors on the page');
  } finally {
    await browser.close();
    server.close();
  }
});
