// The tests' own authenticator app (lib/totp.js) against RFC 6238's test
// vectors, so that an MFA failure is the server's and not the helper's.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base32Decode, hotp, totp } from '../lib/totp.js';

test('base32Decode decodes RFC 4648 vectors', () => {
  assert.equal(base32Decode('MZXW6YTBOI======').toString(), 'foobar');
  assert.equal(base32Decode('mzxw6ytb').toString(), 'fooba');
});

test('hotp and totp match RFC 4226 and RFC 6238 (SHA-1)', () => {
  const key = Buffer.from('12345678901234567890');
  // RFC 4226 appendix D.
  assert.deepEqual([0, 1, 2, 9].map((c) => hotp(key, c)), ['755224', '287082', '359152', '520489']);
  // RFC 6238 appendix B, 8 digits.
  assert.equal(hotp(key, Math.floor(59 / 30), 8), '94287082');
  assert.equal(hotp(key, Math.floor(1111111109 / 30), 8), '07081804');
  assert.equal(hotp(key, Math.floor(20000000000 / 30), 8), '65353130');
  // The same key in base32, as Cognito hands out secrets.
  assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000), '287082');
});
