// amazon-cognito-identity-js self sign-up: signUp, a wrong code, a resent
// code, confirmRegistration, then sign-in; duplicate usernames and weak
// passwords refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminGetUser, newPool, password, unique, uniqueEmail } from '../lib/admin.js';
import {
  authenticate, cognitoUser, confirmRegistration, resendConfirmationCode, signUp, userPool,
} from '../lib/identityjs.js';
import { countMessages, nextCode } from '../lib/outbox.js';

const opts = { timeout: 60_000 };

test('signUp, a wrong code, a resent code, confirmRegistration, sign-in', opts, async () => {
  const ids = await newPool();
  const pool = userPool(ids);
  const username = unique('ann');
  const email = uniqueEmail('ann');

  const up = await signUp(pool, username, password, { email });

  assert.equal(up.userConfirmed, false);
  assert.match(up.userSub, /^[0-9a-f-]{36}$/);
  assert.equal(up.codeDeliveryDetails.DeliveryMedium, 'EMAIL');
  assert.equal(up.codeDeliveryDetails.AttributeName, 'email');
  const user = cognitoUser(pool, username);
  await assert.rejects(authenticate(user, password, 'USER_PASSWORD_AUTH'), { code: 'UserNotConfirmedException' });

  const first = await nextCode(email);
  const wrong = first === '000000' ? '111111' : '000000';
  await assert.rejects(confirmRegistration(user, wrong), { code: 'CodeMismatchException' });
  const seen = await countMessages(email);
  const resent = await resendConfirmationCode(user);
  assert.equal(resent.CodeDeliveryDetails.DeliveryMedium, 'EMAIL');
  const code = await nextCode(email, seen);

  assert.equal(await confirmRegistration(user, code), 'SUCCESS');
  assert.equal((await adminGetUser(ids.poolId, username)).UserStatus, 'CONFIRMED');
  const r = await authenticate(user, password, 'USER_PASSWORD_AUTH');
  assert.equal(r.step, 'success');
  assert.equal(r.session.getIdToken().decodePayload().sub, up.userSub);
  // Confirming again is refused.
  await assert.rejects(confirmRegistration(user, code), { code: 'NotAuthorizedException' });
});

test('signUp refuses a taken username and a weak password', opts, async () => {
  const ids = await newPool();
  const pool = userPool(ids);
  const username = unique('dup');
  await signUp(pool, username, password, { email: uniqueEmail() });

  await assert.rejects(signUp(pool, username, password, { email: uniqueEmail() }), { code: 'UsernameExistsException' });
  await assert.rejects(signUp(pool, unique('weak'), 'short', { email: uniqueEmail() }), { code: 'InvalidPasswordException' });
});
