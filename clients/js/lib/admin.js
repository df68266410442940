// Administrative set-up through the AWS SDK for JavaScript v3, signed with
// the root credentials: every test makes its own user pool, app client and
// users, so tests never share state.

import { randomUUID } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { credentials, endpoint, region } from './env.js';

/**
 * idp is a Cognito user pools client with the root credentials. The SDK signs
 * the admin operations and, as the model marks them, sends the end-user ones
 * (InitiateAuth, GetUser, ...) unsigned.
 */
export const idp = new CognitoIdentityProviderClient({ endpoint, region, credentials });

/** The password every test user gets unless a test says otherwise. */
export const password = 'Correct-Horse-9-battery';

/** unique returns a fresh name with a readable prefix. */
export function unique(prefix) {
  return `${prefix}${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/** uniqueEmail returns a fresh address whose mail lands in the outbox. */
export function uniqueEmail(prefix = 'user') {
  return `${unique(prefix)}@example.com`;
}

/**
 * createPool creates a user pool with e-mail auto-verification; pool is
 * merged over the defaults (CreateUserPool's input). It returns the pool id.
 */
export async function createPool(pool = {}) {
  const out = await idp.send(new CreateUserPoolCommand({
    PoolName: unique('jsclients-'),
    AutoVerifiedAttributes: ['email'],
    ...pool,
  }));
  return out.UserPool.Id;
}

/**
 * createClient creates a public app client (no secret) that allows SRP,
 * password and refresh sign-in; client is merged over the defaults
 * (CreateUserPoolClient's input). It returns the client id.
 */
export async function createClient(poolId, client = {}) {
  const out = await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId,
    ClientName: 'web',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    ...client,
  }));
  return out.UserPoolClient.ClientId;
}

/** newPool creates a pool and one client: { poolId, clientId }. */
export async function newPool({ pool, client } = {}) {
  const poolId = await createPool(pool);
  const clientId = await createClient(poolId, client);
  return { poolId, clientId };
}

/**
 * createUser makes a confirmed user with a verified e-mail address and a
 * permanent password (AdminCreateUser without an invitation, then
 * AdminSetUserPassword). It returns { username, password, email }.
 */
export async function createUser(poolId, { username = unique('user'), email = uniqueEmail(), pass = password } = {}) {
  await idp.send(new AdminCreateUserCommand({
    UserPoolId: poolId,
    Username: username,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: email },
      { Name: 'email_verified', Value: 'true' },
    ],
  }));
  await idp.send(new AdminSetUserPasswordCommand({
    UserPoolId: poolId, Username: username, Password: pass, Permanent: true,
  }));
  return { username, password: pass, email };
}

/**
 * createInvitedUser makes a user the way an administrator invites one: a
 * temporary password, status FORCE_CHANGE_PASSWORD.
 */
export async function createInvitedUser(poolId, { username = unique('user'), email = uniqueEmail(), temporary = 'Temporary-Pass-42' } = {}) {
  await idp.send(new AdminCreateUserCommand({
    UserPoolId: poolId,
    Username: username,
    TemporaryPassword: temporary,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: email },
      { Name: 'email_verified', Value: 'true' },
    ],
  }));
  return { username, temporary, email };
}

/** adminGetUser returns AdminGetUser's output. */
export function adminGetUser(poolId, username) {
  return idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
}

/** enableTotp turns on software-token MFA for the pool (OPTIONAL or ON). */
export function enableTotp(poolId, mfa = 'OPTIONAL') {
  return idp.send(new SetUserPoolMfaConfigCommand({
    UserPoolId: poolId,
    SoftwareTokenMfaConfiguration: { Enabled: true },
    MfaConfiguration: mfa,
  }));
}

/** attributes turns [{Name, Value}] into { name: value }. */
export function attributes(list) {
  return Object.fromEntries((list ?? []).map((a) => [a.Name, a.Value]));
}

/** claims decodes a JWT's payload without verifying it. */
export function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}
