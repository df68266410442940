// Amplify v6: resetPassword sends a code, confirmResetPassword sets the new
// password with it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmResetPassword, resetPassword, signIn, signOut } from 'aws-amplify/auth';
import { createUser, newPool } from '../lib/admin.js';
import { configureAmplify } from '../lib/amplify.js';
import { rejectsWith } from '../lib/assert.js';
import { countMessages, nextCode } from '../lib/outbox.js';

const opts = { timeout: 60_000 };
const passwordAuth = { authFlowType: 'USER_PASSWORD_AUTH' };

test('resetPassword and confirmResetPassword with the e-mailed code', opts, async () => {
  const ids = await newPool();
  await configureAmplify(ids);
  const u = await createUser(ids.poolId);
  const seen = await countMessages(u.email);

  const r = await resetPassword({ username: u.username });

  assert.equal(r.isPasswordReset, false);
  assert.equal(r.nextStep.resetPasswordStep, 'CONFIRM_RESET_PASSWORD_WITH_CODE');
  assert.equal(r.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
  assert.equal(r.nextStep.codeDeliveryDetails.attributeName, 'email');
  const code = await nextCode(u.email, seen);

  const wrong = code === '000000' ? '111111' : '000000';
  await rejectsWith(confirmResetPassword({ username: u.username, confirmationCode: wrong, newPassword: 'Reset-Pass-2024' }),
    'CodeMismatchException');
  await confirmResetPassword({ username: u.username, confirmationCode: code, newPassword: 'Reset-Pass-2024' });

  await rejectsWith(signIn({ username: u.username, password: u.password, options: passwordAuth }), 'NotAuthorizedException');
  const again = await signIn({ username: u.username, password: 'Reset-Pass-2024', options: passwordAuth });
  assert.equal(again.isSignedIn, true);
  await signOut();
});
