// The private-folders demo in headless Chromium (Debian's chromium driven
// by playwright-core): two users sign in with Amplify, each uploads to and
// lists their own folder through the S3 gateway, neither reads the other's,
// and the admin page names each object's owner from the user <-> identity
// link. Screenshots go to docs/examples/ at the repository's root.
//
// DEMO_URL is the running demo (go test ./examples/private-folders starts
// it); CHROMIUM the browser (default /usr/bin/chromium).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, '..');
const shots = join(web, '..', '..', '..', 'docs', 'examples');
const url = process.env.DEMO_URL;

test('the committed bundle is what build.mjs makes from src/', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'app.js');
  execFileSync(process.execPath, ['build.mjs', out], { cwd: web });
  assert.ok(readFileSync(out).equals(readFileSync(join(web, 'dist', 'app.js'))),
    'dist/app.js is stale: run `npm run build` in examples/private-folders/web');
});

test('each user reaches their own private folder, and the admin page names the owners', { skip: !url && 'DEMO_URL is not set', timeout: 180_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const identities = {};

    for (const [name, file] of [['ann', 'ann-notes.txt'], ['bob', 'bob-photo.txt']]) {
      await page.goto(url);
      await page.getByLabel('Username').fill(name);
      await page.getByLabel('Password').fill('Correct-Horse-9');
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.locator('#identity').filter({ hasText: /^us-east-1:/ }).waitFor({ timeout: 30_000 });
      identities[name] = await page.locator('#identity').textContent();
      await page.getByLabel('Upload a file to your folder').setInputFiles({
        name: file, mimeType: 'text/plain', buffer: Buffer.from(`${name}'s file`),
      });
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await page.locator('#list li', { hasText: file }).waitFor({ timeout: 30_000 });
      const listed = await page.locator('#list li').allTextContents();
      assert.deepEqual(listed, [`${file} (${`${name}'s file`.length} bytes)`], `${name} lists only their own file`);
      await page.screenshot({ path: join(shots, `private-folders-${name}.png`) });

      if (name === 'bob') {
        // Bob tries Ann's key: the gateway refuses.
        await page.getByLabel("Try to read someone else's key").fill(`private/${identities.ann}/ann-notes.txt`);
        await page.getByRole('button', { name: 'Read it' }).click();
        await page.locator('#message', { hasText: 'Refused: AccessDenied' }).waitFor();
        await page.screenshot({ path: join(shots, 'private-folders-refused.png') });
      }
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Username').waitFor();
    }
    assert.notEqual(identities.ann, identities.bob);

    await page.goto(`${url}/admin?key=${encodeURIComponent(`private/${identities.bob}/bob-photo.txt`)}`);
    const rows = await page.locator('tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.ok(rows.some((r) => r.includes('ann-notes.txt') && r.includes('ann@example.com') && r.includes(identities.ann)), rows.join('\n'));
    assert.ok(rows.some((r) => r.includes('bob-photo.txt') && r.includes('bob@example.com') && r.includes(identities.bob)), rows.join('\n'));
    assert.match(await page.locator('.answer').textContent(), /bob \(bob@example\.com\)/);
    await page.screenshot({ path: join(shots, 'private-folders-admin.png'), fullPage: true });
    assert.deepEqual(errors, [], 'no script errors on the pages');
  } finally {
    await browser.close();
  }
});
