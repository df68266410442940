// Amplify v6: signUp and confirmSignUp with the code from the outbox,
// signIn (SRP by default, and USER_PASSWORD_AUTH), wrong passwords, and
// confirmSignIn for an administrator-created user (NEW_PASSWORD_REQUIRED).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  confirmSignIn, confirmSignUp, fetchAuthSession, getCurrentUser, signIn, signOut, signUp,
} from 'aws-amplify/auth';
import { adminGetUser, createInvitedUser, createUser, newPool, password, unique, uniqueEmail } from '../lib/admin.js';
import { configureAmplify } from '../lib/amplify.js';
import { rejectsWith } from '../lib/assert.js';
import { countMessages, nextCode } from '../lib/outbox.js';
import { watch } from '../lib/wire.js';

const opts = { timeout: 60_000 };
const passwordAuth = { authFlowType: 'USER_PASSWORD_AUTH' };

test('signUp sends a code by e-mail and confirmSignUp with it confirms the user', opts, async () => {
  const ids = await newPool();
  await configureAmplify(ids);
  const username = unique('ada');
  const email = uniqueEmail('ada');

  const up = await signUp({ username, password, options: { userAttributes: { email } } });

  assert.equal(up.isSignUpComplete, false);
  assert.match(up.userId, /^[0-9a-f-]{36}$/);
  assert.equal(up.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
  assert.equal(up.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
  assert.equal(up.nextStep.codeDeliveryDetails.attributeName, 'email');
  assert.notEqual(up.nextStep.codeDeliveryDetails.destination, email, 'the destination is masked');
  assert.equal((await adminGetUser(ids.poolId, username)).UserStatus, 'UNCONFIRMED');

  const code = await nextCode(email);
  const wrong = code === '000000' ? '111111' : '000000';
  await rejectsWith(confirmSignUp({ username, confirmationCode: wrong }), 'CodeMismatchException');
  const done = await confirmSignUp({ username, confirmationCode: code });

  assert.equal(done.isSignUpComplete, true);
  assert.equal(done.nextStep.signUpStep, 'DONE');
  const user = await adminGetUser(ids.poolId, username);
  assert.equal(user.UserStatus, 'CONFIRMED');
  assert.equal(user.UserAttributes.find((a) => a.Name === 'email_verified')?.Value, 'true');
  assert.equal(user.UserAttributes.find((a) => a.Name === 'sub')?.Value, up.userId);

  const r = await signIn({ username, password, options: passwordAuth });
  assert.equal(r.isSignedIn, true);
  assert.equal((await getCurrentUser()).userId, up.userId);
  await signOut();
});

test('signIn of an unconfirmed user asks to confirm the sign-up', opts, async () => {
  const ids = await newPool();
  await configureAmplify(ids);
  const username = unique('bob');
  const email = uniqueEmail('bob');
  await signUp({ username, password, options: { userAttributes: { email } } });

  const r = await signIn({ username, password, options: passwordAuth });

  assert.equal(r.isSignedIn, false);
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_UP');
  assert.equal(await countMessages(email), 1);
});

test('signIn with USER_PASSWORD_AUTH signs in', opts, async () => {
  const ids = await newPool();
  await configureAmplify(ids);
  const u = await createUser(ids.poolId);
  const wire = watch();

  const r = await signIn({ username: u.username, password: u.password, options: passwordAuth });

  assert.deepEqual(r, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.equal(wire.last('InitiateAuth').request.AuthFlow, 'USER_PASSWORD_AUTH');
  const me = await getCurrentUser();
  assert.equal(me.username, u.username);
  assert.equal(me.signInDetails.authFlowType, 'USER_PASSWORD_AUTH');
  const { tokens } = await fetchAuthSession();
  assert.equal(tokens.idToken.payload.email, u.email);
  assert.equal(tokens.accessToken.payload.sub, me.userId);
  await signOut();
});

test('signIn with USER_PASSWORD_AUTH and a wrong password is NotAuthorizedException', opts, async () => {
  const ids = await newPool();
  await configureAmplify(ids);
  const u = await createUser(ids.poolId);

  await rejectsWith(signIn({ username: u.username, password: 'Wrong-Horse-9-battery', options: passwordAuth }),
    'NotAuthorizedException', 'Incorrect username or password.');
});

test('signIn uses SRP by default and signs in', opts, async () => {
  const ids = await newPool();
  await configureAmplify(ids);
  const u = await createUser(ids.poolId);
  const wire = watch();

  const r = await signIn({ username: u.username, password: u.password });

  assert.deepEqual(r, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.deepEqual(wire.ops.slice(0, 2), ['InitiateAuth', 'RespondToAuthChallenge']);
  assert.equal(wire.calls[0].request.AuthFlow, 'USER_SRP_AUTH');
  assert.equal(wire.calls[0].response.ChallengeName, 'PASSWORD_VERIFIER');
  assert.equal(wire.calls[1].request.ChallengeName, 'PASSWORD_VERIFIER');
  const me = await getCurrentUser();
  assert.equal(me.username, u.username);
  assert.equal(me.signInDetails.authFlowType, 'USER_SRP_AUTH');
  const { tokens } = await fetchAuthSession();
  assert.equal(tokens.idToken.payload['cognito:username'], u.username);
  await signOut();
});

test('signIn with SRP and a wrong password is NotAuthorizedException', opts, async () => {
  const ids = await newPool();
  await configureAmplify(ids);
  const u = await createUser(ids.poolId);
  const wire = watch();

  await rejectsWith(signIn({ username: u.username, password: 'Wrong-Horse-9-battery' }),
    'NotAuthorizedException', 'Incorrect username or password.');
  // The server issued the challenge and refused the proof.
  assert.deepEqual(wire.ops, ['InitiateAuth', 'RespondToAuthChallenge']);
  assert.equal(wire.calls[0].response.ChallengeName, 'PASSWORD_VERIFIER');
});

async function newPasswordRequired(authFlowType) {
  const ids = await newPool();
  await configureAmplify(ids);
  const u = await createInvitedUser(ids.poolId);

  const r = await signIn({ username: u.username, password: u.temporary, options: { authFlowType } });
  assert.equal(r.isSignedIn, false);
  assert.equal(r.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');

  const done = await confirmSignIn({ challengeResponse: 'Brand-New-Pass-77' });
  assert.deepEqual(done, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.equal((await getCurrentUser()).username, u.username);
  assert.equal((await adminGetUser(ids.poolId, u.username)).UserStatus, 'CONFIRMED');
  await signOut();

  await rejectsWith(signIn({ username: u.username, password: u.temporary, options: { authFlowType } }),
    'NotAuthorizedException');
  const again = await signIn({ username: u.username, password: 'Brand-New-Pass-77', options: { authFlowType } });
  assert.equal(again.isSignedIn, true);
  await signOut();
}

test('confirmSignIn sets a new password for an invited user (USER_PASSWORD_AUTH)', opts, async () => {
  await newPasswordRequired('USER_PASSWORD_AUTH');
});

test('confirmSignIn sets a new password for an invited user (SRP)', opts, async () => {
  await newPasswordRequired('USER_SRP_AUTH');
});
