// The admin console in headless Chromium (Debian's chromium driven by
// playwright-core): an operator signs in with the root credentials, types
// an S3 key private/<identity id>/photo.jpg into "Who owns this?", opens
// the owner's page and disables the user, using the keyboard where a user
// of it would. Then every page is captured at 1280 and 360 px wide, light
// and dark, into docs/console/ at the repository's root.
//
// The Go test that runs this (internal/app, TestConsoleInChromium) sets
// COGNATE_ENDPOINT, ACCESS_KEY_ID, SECRET_ACCESS_KEY, S3_KEY, USERNAME,
// POOL_ID, IDENTITY_POOL_ID and CHROMIUM, and then checks that the user's
// sign-in is refused.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, '..', '..', '..', '..', 'docs', 'console');
const env = process.env;
const base = env.COGNATE_ENDPOINT + '/console/';

test('operator finds the owner of a private folder and disables them', { timeout: 180_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({ executablePath: env.CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    // Refusals by the CSP, and console resources that fail to load.
    const problems = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused/.test(m.text())) problems.push(m.text()); });
    page.on('response', (r) => { if (r.url().includes('/console/') && r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });

    await page.goto(base);
    assert.match(page.url(), /\/console\/signin$/);
    // The first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');

    await page.getByLabel('Access key ID').fill(env.ACCESS_KEY_ID);
    await page.getByLabel('Secret access key').fill(env.SECRET_ACCESS_KEY);
    await page.getByLabel('Secret access key').press('Enter');
    await page.waitForURL(base);
    await page.getByRole('heading', { name: 'Who owns this?' }).waitFor();

    const box = page.getByLabel(/Identity ID or S3 key/);
    await box.fill(env.S3_KEY);
    await box.press('Enter');
    await page.waitForURL(/\/console\/owner\?/);
    const owner = page.getByRole('link', { name: env.USERNAME, exact: true });
    await owner.waitFor();
    assert.match(await page.locator('main').innerText(), new RegExp(`${env.USERNAME}@example\\.com`));

    await owner.click();
    await page.waitForURL(/\/console\/pools\/[^/]+\/users\/[0-9a-f-]{36}$/);
    const userURL = page.url();
    await page.getByRole('heading', { name: 'Identities' }).waitFor();
    assert.match(await page.locator('main').innerText(), new RegExp(env.S3_KEY.split('/')[1]));

    await page.getByRole('button', { name: 'Disable user' }).click();
    await page.getByRole('status').waitFor();
    assert.match(await page.getByRole('status').innerText(), /The user is disabled/);
    assert.match(await page.locator('.meta').first().innerText(), /disabled/);
    assert.deepEqual(problems, []);

    // Every page, in four looks.
    const pages = {
      signin: null, home: base, owner: base + 'owner?q=' + encodeURIComponent(env.S3_KEY), user: userURL,
      users: base + `pools/${env.POOL_ID}/users`, pools: base + 'pools', pool: base + `pools/${env.POOL_ID}`,
      'identity-pools': base + 'identity-pools', 'identity-pool': base + `identity-pools/${env.IDENTITY_POOL_ID}`,
      identity: base + `identities/${env.S3_KEY.split('/')[1]}`, audit: base + 'audit',
    };
    const signedOut = await browser.newContext();
    for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [360, 'light'], [360, 'dark']]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: 800 });
      for (const [name, url] of Object.entries(pages)) {
        let p = page;
        if (url === null) {
          p = await signedOut.newPage();
          await p.emulateMedia({ colorScheme: scheme });
          await p.setViewportSize({ width, height: 800 });
          await p.goto(base + 'signin');
        } else {
          const res = await p.goto(url);
          assert.equal(res.status(), 200, name);
        }
        // Nothing is wider than the window.
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${name} at ${width}px overflows by ${overflow}px`);
        await p.screenshot({ path: join(shots, `${name}-${width}-${scheme}.png`), fullPage: true });
        if (p !== page) await p.close();
      }
    }
  } finally {
    await browser.close();
  }
});
