// Amplify v6 signInWithRedirect in headless Chromium against a Cognate
// user pool domain served over https (a test certificate): the managed
// sign-in page, the code + PKCE exchange by Amplify's OAuth listener, the
// tokens in Amplify's session. The Go test that runs this (internal/app,
// TestAmplifySignInWithRedirect) sets REDIRECT_DOMAIN (the domain as
// Amplify takes it: host[:port]/domains/<domain>), COGNATE_ENDPOINT,
// POOL_ID, CLIENT_ID, PAGE_PORT (the port the callback URL names),
// USERNAME, PASSWORD and CHROMIUM.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..');
const shots = join(pkg, '..', '..', '..', 'docs', 'managed-login');
const env = process.env;

async function bundle() {
  const dir = mkdtempSync(join(tmpdir(), 'redirect-page-'));
  await build({
    entryPoints: [join(pkg, 'src', 'redirect.js')], bundle: true, format: 'esm', platform: 'browser',
    target: ['es2020'], outfile: join(dir, 'redirect.js'), logLevel: 'warning',
  });
  copyFileSync(join(pkg, 'src', 'redirect.html'), join(dir, 'index.html'));
  return dir;
}

async function serve(dir, port) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
  const server = createServer((req, res) => {
    const name = new URL(req.url, 'http://localhost').pathname.slice(1) || 'index.html';
    if (!(name in { 'index.html': 1, 'redirect.js': 1 })) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[name.slice(name.lastIndexOf('.'))] });
    res.end(readFileSync(join(dir, name)));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

test('Amplify v6 signInWithRedirect through the managed login page', { skip: !env.REDIRECT_DOMAIN && 'REDIRECT_DOMAIN is not set', timeout: 180_000 }, async () => {
  const server = await serve(await bundle(), Number(env.PAGE_PORT));
  const browser = await chromium.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 900, height: 560 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const q = new URLSearchParams({ pool: env.POOL_ID, client: env.CLIENT_ID, endpoint: env.COGNATE_ENDPOINT, domain: env.REDIRECT_DOMAIN });
    await page.goto(`http://localhost:${env.PAGE_PORT}/?${q}`);
    await page.locator('#signin').click();
    await page.waitForURL((u) => u.pathname.endsWith('/login'), { timeout: 30_000 });
    await page.getByLabel('Username').fill(env.USERNAME);
    await page.getByLabel('Password').fill(env.PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#status[data-state=done]').waitFor({ state: 'attached', timeout: 60_000 });
    const outcome = JSON.parse(await page.locator('#status').textContent());
    assert.ok(outcome.ok, outcome.message);
    assert.equal(outcome.username, env.USERNAME);
    assert.equal(outcome.hasIdToken, true);
    assert.match(outcome.scope, /aws\.cognito\.signin\.user\.admin/);
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'amplify-redirect.png') });
    assert.deepEqual(errors, [], 'no script errors on the page');
  } finally {
    await browser.close();
    server.close();
  }
});
