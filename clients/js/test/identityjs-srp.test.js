// amazon-cognito-identity-js with its default flow, USER_SRP_AUTH: the
// client proves the password with SRP-6a (PASSWORD_VERIFIER) and never sends
// it. Right and wrong passwords, users who set their password through
// sign-up, an administrator, or NEW_PASSWORD_REQUIRED.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createInvitedUser, createUser, idp, newPool, password, unique, uniqueEmail } from '../lib/admin.js';
import {
  authenticate, cognitoUser, completeNewPasswordChallenge, confirmRegistration, signUp, userPool,
} from '../lib/identityjs.js';
import { nextCode } from '../lib/outbox.js';
import { watch } from '../lib/wire.js';

const opts = { timeout: 60_000 };

/** assertSrpExchange checks the wire shape of an SRP sign-in. */
function assertSrpExchange(wire, username) {
  const [init, respond] = wire.calls;
  assert.equal(init.op, 'InitiateAuth');
  assert.equal(init.request.AuthFlow, 'USER_SRP_AUTH');
  assert.equal(init.request.AuthParameters.PASSWORD, undefined, 'the password is never sent');
  assert.equal(init.response.ChallengeName, 'PASSWORD_VERIFIER');
  const p = init.response.ChallengeParameters;
  assert.match(p.SRP_B, /^[0-9a-f]+$/);
  assert.match(p.SALT, /^[0-9a-f]+$/);
  assert.ok(p.SECRET_BLOCK, 'SECRET_BLOCK');
  assert.ok(p.USER_ID_FOR_SRP, 'USER_ID_FOR_SRP');
  assert.equal(p.USERNAME, username);
  assert.equal(respond.op, 'RespondToAuthChallenge');
  assert.equal(respond.request.ChallengeName, 'PASSWORD_VERIFIER');
  assert.equal(respond.request.ChallengeResponses.PASSWORD_CLAIM_SECRET_BLOCK, p.SECRET_BLOCK);
}

test('SRP sign-in with the right password returns tokens', opts, async () => {
  const ids = await newPool();
  const u = await createUser(ids.poolId);
  const user = cognitoUser(userPool(ids), u.username);
  const wire = watch();

  const r = await authenticate(user, u.password);

  assert.equal(r.step, 'success');
  assertSrpExchange(wire, u.username);
  assert.equal(wire.calls.length, 2);
  const id = r.session.getIdToken().decodePayload();
  assert.equal(id['cognito:username'], u.username);
  assert.equal(id.email, u.email);
  assert.equal(id.aud, ids.clientId);
  const me = await idp.send(new GetUserCommand({ AccessToken: r.session.getAccessToken().getJwtToken() }));
  assert.equal(me.Username, u.username);
});

test('SRP sign-in with a wrong password is NotAuthorizedException after the challenge', opts, async () => {
  const ids = await newPool();
  const u = await createUser(ids.poolId);
  const user = cognitoUser(userPool(ids), u.username);
  const wire = watch();

  await assert.rejects(authenticate(user, 'Wrong-Horse-9-battery'), {
    code: 'NotAuthorizedException',
    message: 'Incorrect username or password.',
  });
  assertSrpExchange(wire, u.username);
  assert.equal(wire.calls.length, 2);
  assert.equal(wire.calls[1].status, 400);
});

test('SRP sign-in of an unknown user is UserNotFoundException (LEGACY client)', opts, async () => {
  const ids = await newPool();
  const user = cognitoUser(userPool(ids), 'nobody');

  await assert.rejects(authenticate(user, password), { code: 'UserNotFoundException' });
});

test('SRP sign-in after self sign-up and confirmation', opts, async () => {
  const ids = await newPool();
  const pool = userPool(ids);
  const username = unique('eve');
  const email = uniqueEmail('eve');
  const up = await signUp(pool, username, password, { email });
  assert.equal(up.userConfirmed, false);
  const user = cognitoUser(pool, username);
  await confirmRegistration(user, await nextCode(email));

  const r = await authenticate(user, password);

  assert.equal(r.step, 'success');
  assert.equal(r.session.getIdToken().decodePayload().sub, up.userSub);
});

test('SRP sign-in of an invited user: NEW_PASSWORD_REQUIRED, then the new password works', opts, async () => {
  const ids = await newPool();
  const pool = userPool(ids);
  const u = await createInvitedUser(ids.poolId);
  const user = cognitoUser(pool, u.username);

  const r = await authenticate(user, u.temporary);
  assert.equal(r.step, 'newPasswordRequired');
  assert.equal(r.userAttributes.email, u.email);
  const done = await completeNewPasswordChallenge(user, 'Brand-New-Pass-77');
  assert.equal(done.step, 'success');

  // The SRP verifier follows the password.
  await assert.rejects(authenticate(cognitoUser(pool, u.username), u.temporary), { code: 'NotAuthorizedException' });
  const again = await authenticate(cognitoUser(pool, u.username), 'Brand-New-Pass-77');
  assert.equal(again.step, 'success');
});
