// Federated sign-in in headless Chromium: the downstream Cognate's sign-in
// page offers "Sign in with Upstream"; the button leads to the upstream
// Cognate's sign-in page, and signing in there brings the browser back to
// the relying party with a code. Both pages pass an axe-core check and are
// photographed into docs/managed-login/.
//
// The Go test that runs this (internal/app, TestFederationInChromium) sets
// FED_AUTH_URL (an authorization request at the downstream), FED_UPSTREAM
// (the upstream's URL), FED_USERNAME, FED_PASSWORD and CHROMIUM. Without
// FED_AUTH_URL (as when TestManagedLoginInChromium runs this directory) it
// is skipped.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { launchWithRP } from '../rp.js';

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, '..', '..', '..', '..', 'docs', 'managed-login');
const env = process.env;

test('federated sign-in through a second Cognate', { skip: !env.FED_AUTH_URL }, async () => {
  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  mkdirSync(shots, { recursive: true });
  const { browser, close } = await launchWithRP(chromium, env.CHROMIUM);
  try {
    const context = await browser.newContext({ viewport: { width: 520, height: 760 }, locale: 'en-US' });
    const page = await context.newPage();
    const check = async (name) => {
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => globalThis.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      }));
      const found = result.violations.map((v) => `${v.id}: ${v.help}`);
      assert.deepEqual(found, [], `accessibility violations on ${name}`);
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    };

    await page.goto(env.FED_AUTH_URL);
    const button = page.getByRole('link', { name: 'Sign in with Upstream' });
    await button.waitFor();
    await check('federation-signin');
    await button.click();

    await page.waitForURL((u) => u.href.startsWith(env.FED_UPSTREAM));
    await page.getByLabel('Username').fill(env.FED_USERNAME);
    await page.getByLabel('Password').fill(env.FED_PASSWORD);
    await check('federation-upstream');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL((u) => u.host === 'rp.test', { timeout: 30_000 });
    const back = new URL(page.url()).searchParams;
    assert.equal(back.get('state'), 'fed-browser');
    assert.ok(back.get('code'), 'the relying party got no code');
  } finally {
    await close();
  }
});
