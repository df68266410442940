// Amplify v6, unmodified, configured for one test's user pool (and identity
// pool) with the server as userPoolEndpoint / identityPoolEndpoint.
//
// Amplify keeps its configuration and session in module-level singletons,
// so each test calls configureAmplify first; `node --test` runs every test
// file in its own process and the tests of a file one after another.
// Tokens: in Node.js there is no localStorage, and Amplify would fall back
// to its own in-memory store; configureAmplify instead hands the token
// provider a fresh MemoryKeyValueStorage (cognitoUserPoolsTokenProvider.
// setKeyValueStorage, after configure, which resets it) so a test starts
// signed out and can look at what Amplify stored.

import { Amplify } from 'aws-amplify';
import { cognitoCredentialsProvider, cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { ConsoleLogger } from 'aws-amplify/utils';
import { endpoint } from './env.js';
import { MemoryKeyValueStorage } from './storage.js';

// Amplify warns on every configure that a custom endpoint is in use: that is
// the point here. Errors still show.
ConsoleLogger.LOG_LEVEL = 'ERROR';

/**
 * configureAmplify points Amplify at { poolId, clientId } and, when given,
 * at identityPoolId (guests allowed when allowGuestAccess), forgetting the
 * previous test's credentials and identity id. It returns the token storage.
 */
export async function configureAmplify({ poolId, clientId, identityPoolId, allowGuestAccess = false }) {
  const cognito = {
    userPoolId: poolId,
    userPoolClientId: clientId,
    userPoolEndpoint: endpoint,
    loginWith: { username: true, email: false },
    signUpVerificationMethod: 'code',
  };
  if (identityPoolId) {
    Object.assign(cognito, { identityPoolId, identityPoolEndpoint: endpoint, allowGuestAccess });
  }
  Amplify.configure({ Auth: { Cognito: cognito } });
  const storage = new MemoryKeyValueStorage();
  cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
  await cognitoCredentialsProvider.clearCredentialsAndIdentityId();
  return storage;
}

/** storedRefreshToken returns the refresh token Amplify keeps in storage. */
export function storedRefreshToken(storage) {
  return storage.find('.refreshToken');
}
