// Amplify v6 and TOTP MFA: setUpTOTP / verifyTOTPSetup / updateMFAPreference
// on an OPTIONAL pool, confirmSignIn with right and wrong codes, and the
// MFA_SETUP challenge (CONTINUE_SIGN_IN_WITH_TOTP_SETUP) on a pool where MFA
// is ON.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  confirmSignIn, fetchAuthSession, fetchMFAPreference, getCurrentUser, setUpTOTP, signIn, signOut,
  updateMFAPreference, verifyTOTPSetup,
} from 'aws-amplify/auth';
import { adminGetUser, createUser, enableTotp, newPool } from '../lib/admin.js';
import { configureAmplify } from '../lib/amplify.js';
import { rejectsWith } from '../lib/assert.js';
import { Authenticator } from '../lib/totp.js';
import { watch } from '../lib/wire.js';

const opts = { timeout: 120_000 };
const passwordAuth = { authFlowType: 'USER_PASSWORD_AUTH' };

/** enrolled signs a new user in on an OPTIONAL-MFA pool and enrolls TOTP. */
async function enrolled(authFlowType = 'USER_PASSWORD_AUTH') {
  const ids = await newPool();
  await enableTotp(ids.poolId, 'OPTIONAL');
  await configureAmplify(ids);
  const u = await createUser(ids.poolId);
  const r = await signIn({ username: u.username, password: u.password, options: { authFlowType } });
  assert.equal(r.isSignedIn, true, 'no MFA before enrollment');

  const details = await setUpTOTP();
  assert.match(details.sharedSecret, /^[A-Z2-7]{16,}=*$/);
  const uri = details.getSetupUri('Cognate', u.username).toString();
  assert.match(uri, /^otpauth:\/\/totp\/Cognate:/);
  const app = new Authenticator(details.sharedSecret);
  await rejectsWith(verifyTOTPSetup({ code: app.wrongCode() }), 'EnableSoftwareTokenMFAException');
  await verifyTOTPSetup({ code: await app.code(), options: { friendlyDeviceName: 'phone' } });
  await updateMFAPreference({ totp: 'PREFERRED' });
  assert.deepEqual(await fetchMFAPreference(), { enabled: ['TOTP'], preferred: 'TOTP' });
  await signOut();
  return { ids, u, app };
}

test('TOTP enrollment with setUpTOTP, verifyTOTPSetup and updateMFAPreference', opts, async () => {
  const { ids, u } = await enrolled();

  const admin = await adminGetUser(ids.poolId, u.username);
  assert.deepEqual(admin.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal(admin.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
});

test('confirmSignIn with a TOTP code: wrong code refused, right code signs in', opts, async () => {
  const { u, app } = await enrolled();

  let r = await signIn({ username: u.username, password: u.password, options: passwordAuth });
  assert.deepEqual(r, { isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' } });
  await rejectsWith(confirmSignIn({ challengeResponse: app.wrongCode() }), 'CodeMismatchException');

  r = await signIn({ username: u.username, password: u.password, options: passwordAuth });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  const wire = watch();
  const done = await confirmSignIn({ challengeResponse: await app.code() });

  assert.deepEqual(done, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.equal(wire.calls[0].request.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal((await getCurrentUser()).username, u.username);
  const { tokens } = await fetchAuthSession();
  assert.equal(tokens.idToken.payload['cognito:username'], u.username);
  await signOut();
});

test('signIn (SRP default) then confirmSignIn with a TOTP code', opts, async () => {
  const { u, app } = await enrolled('USER_SRP_AUTH');

  const r = await signIn({ username: u.username, password: u.password });
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  const done = await confirmSignIn({ challengeResponse: await app.code() });

  assert.equal(done.isSignedIn, true);
  await signOut();
});

test('MFA ON: signIn asks to set up TOTP, confirmSignIn with a code finishes', opts, async () => {
  const ids = await newPool();
  await enableTotp(ids.poolId, 'ON');
  await configureAmplify(ids);
  const u = await createUser(ids.poolId);
  const wire = watch();

  const r = await signIn({ username: u.username, password: u.password, options: passwordAuth });

  assert.equal(r.isSignedIn, false);
  assert.equal(r.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
  assert.equal(wire.calls[0].response.ChallengeName, 'MFA_SETUP');
  assert.deepEqual(JSON.parse(wire.calls[0].response.ChallengeParameters.MFAS_CAN_SETUP), ['SOFTWARE_TOKEN_MFA']);
  assert.ok(wire.last('AssociateSoftwareToken').request.Session, 'associated within the sign-in session');
  const app = new Authenticator(r.nextStep.totpSetupDetails.sharedSecret);

  const done = await confirmSignIn({ challengeResponse: await app.code() });

  assert.deepEqual(done, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  const challenge = wire.calls.filter((c) => c.op === 'RespondToAuthChallenge').pop();
  assert.equal(challenge.request.ChallengeName, 'MFA_SETUP');
  assert.deepEqual((await fetchMFAPreference()).enabled, ['TOTP']);
  await signOut();

  // From now on the user signs in with a code.
  const again = await signIn({ username: u.username, password: u.password, options: passwordAuth });
  assert.equal(again.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
  assert.equal((await confirmSignIn({ challengeResponse: await app.code() })).isSignedIn, true);
  await signOut();
});
