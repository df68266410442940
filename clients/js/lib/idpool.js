// Identity pool set-up through the AWS SDK v3 (cognito-identity and IAM),
// signed with the root credentials: an identity pool trusting one user pool
// client, and an authenticated and an unauthenticated role whose trust
// policies are the ones AWS documents for Cognito identity pools.

import { CognitoIdentityClient, CreateIdentityPoolCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { unique } from './admin.js';
import { credentials, endpoint, region } from './env.js';

/** identity is a Cognito identity pools client with the root credentials. */
export const identity = new CognitoIdentityClient({ endpoint, region, credentials });

/** iam is an IAM client with the root credentials. */
export const iam = new IAMClient({ endpoint, region, credentials });

/**
 * providerName is how a user pool appears in an identity pool and in the
 * Logins map: the issuer of its tokens without the scheme (Amplify derives
 * it from the ID token's iss). It is read from the pool's discovery document.
 */
export async function providerName(poolId) {
  const resp = await fetch(`${endpoint}/${poolId}/.well-known/openid-configuration`);
  if (!resp.ok) throw new Error(`openid-configuration of ${poolId}: HTTP ${resp.status}`);
  const { issuer } = await resp.json();
  return issuer.replace(/^\w+:\/\//, '');
}

/** trustPolicy is the documented role trust policy for an identity pool. */
function trustPolicy(identityPoolId, amr) {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: 'cognito-identity.amazonaws.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPoolId },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr },
      },
    }],
  });
}

async function createRole(identityPoolId, kind) {
  const out = await iam.send(new CreateRoleCommand({
    RoleName: unique(`jsclients-${kind}-`),
    AssumeRolePolicyDocument: trustPolicy(identityPoolId, kind),
  }));
  return out.Role; // { RoleName, RoleId, Arn, ... }
}

/**
 * newIdentityPool creates an identity pool for the user pool client
 * { poolId, clientId }, guests allowed or not, with an authenticated and an
 * unauthenticated role. It returns { identityPoolId, providerName,
 * authRole, unauthRole }.
 */
export async function newIdentityPool({ poolId, clientId }, { allowGuests = true } = {}) {
  const provider = await providerName(poolId);
  const pool = await identity.send(new CreateIdentityPoolCommand({
    IdentityPoolName: unique('jsclients_'),
    AllowUnauthenticatedIdentities: allowGuests,
    CognitoIdentityProviders: [{ ProviderName: provider, ClientId: clientId, ServerSideTokenCheck: false }],
  }));
  const authRole = await createRole(pool.IdentityPoolId, 'authenticated');
  const unauthRole = await createRole(pool.IdentityPoolId, 'unauthenticated');
  await identity.send(new SetIdentityPoolRolesCommand({
    IdentityPoolId: pool.IdentityPoolId,
    Roles: { authenticated: authRole.Arn, unauthenticated: unauthRole.Arn },
  }));
  return { identityPoolId: pool.IdentityPoolId, providerName: provider, authRole, unauthRole };
}
