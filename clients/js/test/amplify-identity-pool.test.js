// Amplify v6 with an identity pool (identityPoolEndpoint = the server):
// credentials for a signed-in user and for guests, the same identity across
// sessions of one user, and the credentials checked by the server's STS
// (GetCallerIdentity signed with them).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { createUser, idp, newPool } from '../lib/admin.js';
import { configureAmplify } from '../lib/amplify.js';
import { rejectsWith } from '../lib/assert.js';
import { accountId, endpoint, region } from '../lib/env.js';
import { identity, newIdentityPool } from '../lib/idpool.js';
import { watch } from '../lib/wire.js';

const opts = { timeout: 60_000 };
const passwordAuth = { authFlowType: 'USER_PASSWORD_AUTH' };
const identityIdPattern = new RegExp(`^${region}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);

/** setup makes a user pool, a client, an identity pool over it and configures Amplify. */
async function setup({ allowGuests = true } = {}) {
  const ids = await newPool();
  const idpool = await newIdentityPool(ids, { allowGuests });
  await configureAmplify({ ...ids, identityPoolId: idpool.identityPoolId, allowGuestAccess: true });
  return { ids, idpool };
}

/** session signs user in, fetches the Amplify session and signs out. */
async function sessionOf(user) {
  const r = await signIn({ username: user.username, password: user.password, options: passwordAuth });
  assert.equal(r.isSignedIn, true);
  const s = await fetchAuthSession();
  await signOut();
  return s;
}

/** assertCredentials checks the shape of vended temporary credentials. */
function assertCredentials(c) {
  assert.match(c.accessKeyId, /^ASIA[A-Z0-9]{12,}$/);
  assert.ok(c.secretAccessKey?.length >= 20, 'a secret access key');
  assert.ok(c.sessionToken?.length > 0, 'a session token');
  assert.ok(c.expiration instanceof Date && c.expiration.getTime() > Date.now(), 'expires in the future');
}

/** callerIdentity calls STS GetCallerIdentity signed with credentials c. */
function callerIdentity(c) {
  const sts = new STSClient({ endpoint, region, credentials: c, maxAttempts: 1 });
  return sts.send(new GetCallerIdentityCommand({}));
}

test('fetchAuthSession returns an identityId and credentials for a signed-in user', opts, async () => {
  const { ids, idpool } = await setup();
  const u = await createUser(ids.poolId);
  await signIn({ username: u.username, password: u.password, options: passwordAuth });
  const wire = watch();

  const s = await fetchAuthSession();

  assert.match(s.identityId, identityIdPattern);
  assertCredentials(s.credentials);
  assert.ok(s.tokens?.idToken, 'the user pool tokens too');
  const getId = wire.last('GetId');
  assert.equal(getId.request.IdentityPoolId, idpool.identityPoolId);
  assert.deepEqual(Object.keys(getId.request.Logins), [idpool.providerName]);
  assert.equal(getId.request.Logins[idpool.providerName], s.tokens.idToken.toString());
  assert.equal(wire.last('GetCredentialsForIdentity').response.IdentityId, s.identityId);
  await signOut();
});

test('one user keeps one identityId across sessions; another user gets another', opts, async () => {
  const { ids, idpool } = await setup();
  const alice = await createUser(ids.poolId);
  const bob = await createUser(ids.poolId);

  const first = await sessionOf(alice);
  const second = await sessionOf(alice);
  const other = await sessionOf(bob);

  assert.match(first.identityId, identityIdPattern);
  assert.equal(second.identityId, first.identityId);
  assert.notEqual(second.credentials.accessKeyId, first.credentials.accessKeyId, 'fresh credentials per session');
  assert.notEqual(other.identityId, first.identityId);

  // Any client presenting a new ID token of the same user gets the same identity.
  const auth = await idp.send(new InitiateAuthCommand({
    ClientId: ids.clientId, AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: alice.username, PASSWORD: alice.password },
  }));
  const byId = await identity.send(new GetIdCommand({
    IdentityPoolId: idpool.identityPoolId,
    Logins: { [idpool.providerName]: auth.AuthenticationResult.IdToken },
  }));
  assert.equal(byId.IdentityId, first.identityId);
});

test('guests get their own identity and credentials when the identity pool allows them', opts, async () => {
  const { ids } = await setup({ allowGuests: true });
  const u = await createUser(ids.poolId);
  const user = await sessionOf(u);
  const wire = watch();

  const guest = await fetchAuthSession();

  assert.equal(guest.tokens, undefined);
  assert.match(guest.identityId, identityIdPattern);
  assert.notEqual(guest.identityId, user.identityId);
  assertCredentials(guest.credentials);
  // Amplify sends no logins for a guest (an empty map).
  const logins = wire.last('GetId').request.Logins;
  assert.ok(logins === undefined || Object.keys(logins).length === 0, `guest GetId sent logins ${JSON.stringify(logins)}`);

  // A guest cannot borrow the signed-in user's identity.
  await rejectsWith(identity.send(new GetCredentialsForIdentityCommand({ IdentityId: user.identityId })),
    'NotAuthorizedException');
});

test('no guest identity when the identity pool does not allow guests', opts, async () => {
  const { idpool } = await setup({ allowGuests: false });

  await rejectsWith(identity.send(new GetIdCommand({ IdentityPoolId: idpool.identityPoolId })),
    'NotAuthorizedException');
  // An app configured for guests anyway gets the service's refusal.
  await rejectsWith(fetchAuthSession(), 'NotAuthorizedException');
});

test('GetCallerIdentity signed with a user credentials names the authenticated role session', opts, async () => {
  const { ids, idpool } = await setup();
  const u = await createUser(ids.poolId);
  const s = await sessionOf(u);

  const me = await callerIdentity(s.credentials);

  assert.equal(me.Account, accountId);
  const prefix = `arn:aws:sts::${accountId}:assumed-role/${idpool.authRole.RoleName}/`;
  assert.ok(me.Arn.startsWith(prefix), `${me.Arn} is a session of ${idpool.authRole.RoleName}`);
  const sessionName = me.Arn.slice(prefix.length);
  assert.ok(sessionName.length > 0, 'a role session name');
  assert.equal(me.UserId, `${idpool.authRole.RoleId}:${sessionName}`);
});

test('GetCallerIdentity signed with guest credentials names the unauthenticated role', opts, async () => {
  const { idpool } = await setup();
  const guest = await fetchAuthSession();

  const me = await callerIdentity(guest.credentials);

  assert.equal(me.Account, accountId);
  assert.ok(me.Arn.startsWith(`arn:aws:sts::${accountId}:assumed-role/${idpool.unauthRole.RoleName}/`), me.Arn);
  assert.ok(me.UserId.startsWith(`${idpool.unauthRole.RoleId}:`), me.UserId);
});

test('GetCallerIdentity refuses a forged signature and a forged session token', opts, async () => {
  const { ids } = await setup();
  const u = await createUser(ids.poolId);
  const { credentials: c } = await sessionOf(u);
  const flip = (s) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);

  await rejectsWith(callerIdentity({ ...c, secretAccessKey: flip(c.secretAccessKey) }), 'SignatureDoesNotMatch');
  await rejectsWith(callerIdentity({ ...c, sessionToken: flip(c.sessionToken) }), 'InvalidClientTokenId');
});
