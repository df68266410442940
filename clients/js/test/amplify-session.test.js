// Amplify v6 with a signed-in user: fetchAuthSession (tokens, refresh),
// fetchUserAttributes, updateUserAttributes, signOut (local and global).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  fetchAuthSession, fetchUserAttributes, getCurrentUser, signIn, signOut, updateUserAttributes,
} from 'aws-amplify/auth';
import { createUser, idp, newPool, uniqueEmail } from '../lib/admin.js';
import { configureAmplify, storedRefreshToken } from '../lib/amplify.js';
import { rejectsWith } from '../lib/assert.js';
import { countMessages, nextCode } from '../lib/outbox.js';
import { watch } from '../lib/wire.js';

const opts = { timeout: 60_000 };

/** signedIn configures Amplify for a new pool and signs a new user in. */
async function signedIn() {
  const ids = await newPool();
  const storage = await configureAmplify(ids);
  const u = await createUser(ids.poolId);
  const r = await signIn({ username: u.username, password: u.password, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
  assert.equal(r.isSignedIn, true);
  return { ids, u, storage };
}

test('fetchAuthSession returns the signed-in user tokens', opts, async () => {
  const { ids, u } = await signedIn();

  const s = await fetchAuthSession();

  const { accessToken, idToken } = s.tokens;
  assert.equal(idToken.payload['cognito:username'], u.username);
  assert.equal(idToken.payload.email, u.email);
  assert.equal(idToken.payload.aud, ids.clientId);
  assert.equal(accessToken.payload.client_id, ids.clientId);
  assert.equal(accessToken.payload.token_use, 'access');
  assert.equal(s.userSub, idToken.payload.sub);
  assert.ok(accessToken.payload.exp * 1000 > Date.now());
  assert.equal(s.identityId, undefined, 'no identity pool configured');
  assert.equal(s.credentials, undefined);
  // The access token works against the server.
  const me = await idp.send(new GetUserCommand({ AccessToken: accessToken.toString() }));
  assert.equal(me.Username, u.username);
  await signOut();
});

test('fetchAuthSession with forceRefresh gets new tokens (GetTokensFromRefreshToken)',
  opts, async () => {
    await signedIn();
    const before = (await fetchAuthSession()).tokens;
    const wire = watch();

    const after = (await fetchAuthSession({ forceRefresh: true })).tokens;

    assert.deepEqual(wire.ops, ['GetTokensFromRefreshToken']);
    assert.notEqual(after.accessToken.toString(), before.accessToken.toString());
    assert.notEqual(after.accessToken.payload.jti, before.accessToken.payload.jti);
    assert.equal(after.accessToken.payload.sub, before.accessToken.payload.sub);
    assert.equal(after.idToken.payload.auth_time, before.idToken.payload.auth_time);
    const me = await idp.send(new GetUserCommand({ AccessToken: after.accessToken.toString() }));
    assert.equal(me.UserAttributes.find((a) => a.Name === 'sub').Value, after.accessToken.payload.sub);
    await signOut();
  });

test('fetchUserAttributes returns the user attributes', opts, async () => {
  const { u } = await signedIn();

  const attrs = await fetchUserAttributes();

  assert.equal(attrs.email, u.email);
  assert.equal(attrs.email_verified, 'true');
  assert.equal(attrs.sub, (await getCurrentUser()).userId);
  await signOut();
});

test('updateUserAttributes updates a name and sends a code for a new e-mail',
  opts, async () => {
    await signedIn();
    const email = uniqueEmail('new');

    const out = await updateUserAttributes({ userAttributes: { name: 'Grace Hopper', email } });

    assert.equal(out.name.isUpdated, true);
    assert.equal(out.name.nextStep.updateAttributeStep, 'DONE');
    assert.equal(out.email.isUpdated, false);
    assert.equal(out.email.nextStep.updateAttributeStep, 'CONFIRM_ATTRIBUTE_WITH_CODE');
    assert.equal(out.email.nextStep.codeDeliveryDetails.attributeName, 'email');
    assert.equal(await countMessages(email), 1);
    assert.match(await nextCode(email), /^\d{6}$/);
    const attrs = await fetchUserAttributes();
    assert.equal(attrs.name, 'Grace Hopper');
    assert.equal(attrs.email, email);
    assert.equal(attrs.email_verified, 'false');
    await signOut();
  });

test('signOut revokes the refresh token and forgets the session', opts, async () => {
  const { ids, storage } = await signedIn();
  const refreshToken = storedRefreshToken(storage);
  const access = (await fetchAuthSession()).tokens.accessToken.toString();
  assert.ok(refreshToken, 'Amplify stored a refresh token');
  const wire = watch();

  await signOut();

  assert.deepEqual(wire.ops, ['RevokeToken']);
  assert.equal(wire.calls[0].status, 200);
  assert.equal(wire.calls[0].request.Token, refreshToken);
  assert.equal((await fetchAuthSession()).tokens, undefined);
  await rejectsWith(getCurrentUser(), 'UserUnAuthenticatedException');
  await rejectsWith(idp.send(new InitiateAuthCommand({
    ClientId: ids.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken },
  })), 'NotAuthorizedException');
  await rejectsWith(idp.send(new GetUserCommand({ AccessToken: access })), 'NotAuthorizedException');
});

test('signOut({ global: true }) signs the user out everywhere', opts, async () => {
  const { ids, storage } = await signedIn();
  const refreshToken = storedRefreshToken(storage);
  const access = (await fetchAuthSession()).tokens.accessToken.toString();
  const wire = watch();

  await signOut({ global: true });

  assert.deepEqual(wire.ops, ['GlobalSignOut']);
  assert.equal(wire.calls[0].status, 200);
  assert.equal((await fetchAuthSession()).tokens, undefined);
  await rejectsWith(idp.send(new GetUserCommand({ AccessToken: access })), 'NotAuthorizedException');
  await rejectsWith(idp.send(new InitiateAuthCommand({
    ClientId: ids.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken },
  })), 'NotAuthorizedException');
});
