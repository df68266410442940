// amazon-cognito-identity-js with USER_PASSWORD_AUTH: sign-in, a wrong
// password, refresh, attributes, sign-out (RevokeToken) and global sign-out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createUser, idp, newPool, uniqueEmail } from '../lib/admin.js';
import {
  authenticate, cognitoUser, getSession, getUserAttributes, globalSignOut, refreshSession,
  signOut, updateAttributes, userPool,
} from '../lib/identityjs.js';
import { verifyWithDiscovery } from '../lib/jwt.js';
import { watch } from '../lib/wire.js';

const opts = { timeout: 60_000 };

/** signedIn returns a pool, a user and that user signed in with a password. */
async function signedIn() {
  const ids = await newPool();
  const u = await createUser(ids.poolId);
  const pool = userPool(ids);
  const user = cognitoUser(pool, u.username);
  const r = await authenticate(user, u.password, 'USER_PASSWORD_AUTH');
  assert.equal(r.step, 'success');
  return { ids, u, pool, user, session: r.session };
}

test('USER_PASSWORD_AUTH signs in and returns the documented tokens', opts, async () => {
  const ids = await newPool();
  const u = await createUser(ids.poolId);
  const pool = userPool(ids);
  const user = cognitoUser(pool, u.username);
  const wire = watch();

  const r = await authenticate(user, u.password, 'USER_PASSWORD_AUTH');

  assert.equal(r.step, 'success');
  assert.deepEqual(wire.ops, ['InitiateAuth']);
  assert.equal(wire.calls[0].request.AuthFlow, 'USER_PASSWORD_AUTH');
  assert.ok(r.session.isValid(), 'session is valid');
  const id = r.session.getIdToken().decodePayload();
  const access = r.session.getAccessToken().decodePayload();
  assert.equal(id['cognito:username'], u.username);
  assert.equal(id.email, u.email);
  assert.equal(id.aud, ids.clientId);
  assert.equal(id.token_use, 'id');
  assert.equal(access.token_use, 'access');
  assert.equal(access.client_id, ids.clientId);
  assert.equal(access.sub, id.sub);
  assert.match(id.iss, new RegExp(`/${ids.poolId}$`));
  assert.ok(r.session.getRefreshToken().getToken(), 'a refresh token');
  // The SDK caches the session as a browser app would find it on reload.
  assert.equal(pool.getCurrentUser().getUsername(), u.username);
  const cached = await getSession(pool.getCurrentUser());
  assert.equal(cached.getAccessToken().getJwtToken(), r.session.getAccessToken().getJwtToken());
});

test('the tokens verify against the issuer discovery document and JWKS', opts, async () => {
  const { ids, session } = await signedIn();
  const idToken = session.getIdToken().getJwtToken();
  const iss = session.getIdToken().decodePayload().iss;

  for (const jwt of [idToken, session.getAccessToken().getJwtToken()]) {
    const { header, payload, discovery } = await verifyWithDiscovery(jwt, iss);
    assert.equal(discovery.issuer, iss);
    assert.ok(header.kid, 'a kid');
    assert.equal(payload.iss, iss);
    assert.ok(payload.exp > payload.iat, 'exp after iat');
    assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 300, 'iat is now');
  }
  assert.ok(iss.endsWith(`/${ids.poolId}`), `issuer ${iss} names the pool`);
  // A token with a changed payload does not verify.
  const [h, p, sig] = idToken.split('.');
  const forged = JSON.parse(Buffer.from(p, 'base64url'));
  forged['cognito:username'] = 'mallory';
  const forgedJwt = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`;
  await assert.rejects(verifyWithDiscovery(forgedJwt, iss), /signature does not verify/);
});

test('USER_PASSWORD_AUTH with a wrong password is NotAuthorizedException', opts, async () => {
  const ids = await newPool();
  const u = await createUser(ids.poolId);
  const user = cognitoUser(userPool(ids), u.username);

  await assert.rejects(authenticate(user, 'Wrong-Horse-9-battery', 'USER_PASSWORD_AUTH'), {
    code: 'NotAuthorizedException',
    message: 'Incorrect username or password.',
  });
});

test('USER_PASSWORD_AUTH for an unknown user is UserNotFoundException (LEGACY client)', opts, async () => {
  const ids = await newPool();
  const user = cognitoUser(userPool(ids), 'nobody');

  await assert.rejects(authenticate(user, 'Correct-Horse-9-battery', 'USER_PASSWORD_AUTH'), {
    code: 'UserNotFoundException',
  });
});

test('refreshSession returns new access and ID tokens for the same user', opts, async () => {
  const { ids, user, session } = await signedIn();
  const wire = watch();

  const fresh = await refreshSession(user, session.getRefreshToken());

  assert.deepEqual(wire.ops, ['InitiateAuth']);
  assert.equal(wire.calls[0].request.AuthFlow, 'REFRESH_TOKEN_AUTH');
  const before = session.getAccessToken().decodePayload();
  const after = fresh.getAccessToken().decodePayload();
  assert.notEqual(fresh.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
  assert.notEqual(after.jti, before.jti);
  assert.equal(after.sub, before.sub);
  assert.equal(after.client_id, ids.clientId);
  assert.equal(after.auth_time, before.auth_time, 'auth_time keeps the original sign-in time');
  assert.equal(fresh.getIdToken().decodePayload().sub, before.sub);
  // Without rotation Cognito returns no new refresh token; the SDK keeps the old one.
  assert.equal(wire.calls[0].response.AuthenticationResult.RefreshToken, undefined);
  assert.equal(fresh.getRefreshToken().getToken(), session.getRefreshToken().getToken());
  // The new access token works.
  const me = await idp.send(new GetUserCommand({ AccessToken: fresh.getAccessToken().getJwtToken() }));
  assert.equal(me.Username, user.getUsername());
});

test('getUserAttributes returns the user attributes (GetUser)', opts, async () => {
  const { u, user, session } = await signedIn();

  const attrs = await getUserAttributes(user);

  assert.equal(attrs.email, u.email);
  assert.equal(attrs.email_verified, 'true');
  assert.equal(attrs.sub, session.getIdToken().decodePayload().sub);
});

test('updateAttributes changes an attribute and asks to verify a new e-mail', opts, async () => {
  const { user } = await signedIn();

  await updateAttributes(user, { name: 'Ada Lovelace' });
  assert.equal((await getUserAttributes(user)).name, 'Ada Lovelace');

  const email = uniqueEmail('new');
  const { details } = await updateAttributes(user, { email });
  assert.equal(details.CodeDeliveryDetailsList?.[0]?.AttributeName, 'email');
  assert.equal(details.CodeDeliveryDetailsList[0].DeliveryMedium, 'EMAIL');
  const attrs = await getUserAttributes(user);
  assert.equal(attrs.email, email);
  assert.equal(attrs.email_verified, 'false');
});

test('signOut revokes the refresh token (RevokeToken)', opts, async () => {
  const { ids, pool, user, session } = await signedIn();
  const refreshToken = session.getRefreshToken().getToken();
  const wire = watch();

  await signOut(user);

  assert.deepEqual(wire.ops, ['RevokeToken']);
  assert.equal(wire.calls[0].status, 200);
  assert.equal(pool.getCurrentUser(), null, 'local session cleared');
  await assert.rejects(idp.send(new InitiateAuthCommand({
    ClientId: ids.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken },
  })), { name: 'NotAuthorizedException' });
  await assert.rejects(idp.send(new GetUserCommand({ AccessToken: session.getAccessToken().getJwtToken() })),
    { name: 'NotAuthorizedException' });
});

test('globalSignOut revokes the access and refresh tokens', opts, async () => {
  const { ids, user, session } = await signedIn();
  const access = session.getAccessToken().getJwtToken();

  await globalSignOut(user);

  await assert.rejects(idp.send(new GetUserCommand({ AccessToken: access })), { name: 'NotAuthorizedException' });
  // (The SDK's refreshSession retries every error with backoff for ~6 s
  // before reporting it; the server's answer is checked directly.)
  await assert.rejects(idp.send(new InitiateAuthCommand({
    ClientId: ids.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH',
    AuthParameters: { REFRESH_TOKEN: session.getRefreshToken().getToken() },
  })), { name: 'NotAuthorizedException' });
});
