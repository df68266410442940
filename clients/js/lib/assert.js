// Assertions shared by the tests.

import assert from 'node:assert/strict';

/**
 * rejectsWith asserts that promise rejects with an error named name (the
 * Cognito exception name, as both SDKs report it) and returns the error.
 */
export async function rejectsWith(promise, name, message) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${name}, but the call succeeded`);
  assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
  if (message !== undefined) assert.equal(err.message, message);
  return err;
}
