// amazon-cognito-identity-js, unmodified, pointed at the server through its
// `endpoint` option, with its callbacks turned into promises so tests read
// top to bottom.

import identity from 'amazon-cognito-identity-js';
import { endpoint } from './env.js';
import { MemoryStorage } from './storage.js';

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = identity;

/**
 * userPool returns a CognitoUserPool for { poolId, clientId } talking to the
 * server, with its own in-memory storage (a browser's localStorage).
 */
export function userPool({ poolId, clientId }, storage = new MemoryStorage()) {
  return new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint, Storage: storage });
}

/** cognitoUser returns the CognitoUser username of pool, sharing its storage. */
export function cognitoUser(pool, username) {
  return new CognitoUser({ Username: username, Pool: pool, Storage: pool.storage });
}

/**
 * signInHandlers settles a promise with the first thing the SDK asks for:
 * { step: 'success', session, userConfirmationNecessary } or a challenge
 * ({ step: 'totpRequired' | 'mfaRequired' | 'mfaSetup' | 'selectMFAType' |
 * 'newPasswordRequired' | 'customChallenge', ... }); failures reject.
 */
function signInHandlers(resolve, reject) {
  const challenge = (step) => (name, params) => resolve({ step, name, params });
  return {
    onSuccess: (session, userConfirmationNecessary) => resolve({ step: 'success', session, userConfirmationNecessary }),
    onFailure: reject,
    newPasswordRequired: (userAttributes, requiredAttributes) =>
      resolve({ step: 'newPasswordRequired', userAttributes, requiredAttributes }),
    mfaRequired: challenge('mfaRequired'),
    totpRequired: challenge('totpRequired'),
    mfaSetup: challenge('mfaSetup'),
    selectMFAType: challenge('selectMFAType'),
    customChallenge: (params) => resolve({ step: 'customChallenge', params }),
  };
}

/**
 * authenticate runs user.authenticateUser with password. flow is the
 * SDK's authentication flow type: USER_SRP_AUTH (its default) or
 * USER_PASSWORD_AUTH.
 */
export function authenticate(user, password, flow = 'USER_SRP_AUTH') {
  user.setAuthenticationFlowType(flow);
  const details = new AuthenticationDetails({ Username: user.getUsername(), Password: password });
  return new Promise((resolve, reject) => user.authenticateUser(details, signInHandlers(resolve, reject)));
}

/** sendMFACode answers an MFA challenge (SOFTWARE_TOKEN_MFA by default). */
export function sendMFACode(user, code, type = 'SOFTWARE_TOKEN_MFA') {
  return new Promise((resolve, reject) => user.sendMFACode(code, signInHandlers(resolve, reject), type));
}

/** completeNewPasswordChallenge answers NEW_PASSWORD_REQUIRED. */
export function completeNewPasswordChallenge(user, newPassword, attributes = {}) {
  return new Promise((resolve, reject) =>
    user.completeNewPasswordChallenge(newPassword, attributes, signInHandlers(resolve, reject)));
}

/** associateSoftwareToken starts TOTP enrollment and returns the secret. */
export function associateSoftwareToken(user) {
  return new Promise((resolve, reject) => user.associateSoftwareToken({
    associateSecretCode: resolve,
    onFailure: reject,
  }));
}

/** verifySoftwareToken finishes TOTP enrollment with a code. */
export function verifySoftwareToken(user, code, deviceName = 'authenticator') {
  return new Promise((resolve, reject) => user.verifySoftwareToken(code, deviceName, {
    onSuccess: resolve,
    onFailure: reject,
  }));
}

/** setUserMfaPreference calls SetUserMFAPreference. */
export function setUserMfaPreference(user, smsSettings, totpSettings) {
  return nodeCallback((cb) => user.setUserMfaPreference(smsSettings, totpSettings, cb));
}

/** setDeviceStatusRemembered marks the current device remembered. */
export function setDeviceStatusRemembered(user) {
  return new Promise((resolve, reject) => user.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }));
}

/** getDevice returns the current device (GetDevice). */
export function getDevice(user) {
  return new Promise((resolve, reject) => user.getDevice({ onSuccess: resolve, onFailure: reject }));
}

/** refreshSession trades the refresh token for a new session. */
export function refreshSession(user, refreshToken) {
  return nodeCallback((cb) => user.refreshSession(refreshToken, cb));
}

/** getUserAttributes returns the user's attributes as { name: value }. */
export async function getUserAttributes(user) {
  const list = await nodeCallback((cb) => user.getUserAttributes(cb));
  return Object.fromEntries(list.map((a) => [a.getName(), a.getValue()]));
}

/** updateAttributes sets attributes ({ name: value }) with UpdateUserAttributes. */
export function updateAttributes(user, attributes) {
  const list = Object.entries(attributes).map(([Name, Value]) => new CognitoUserAttribute({ Name, Value }));
  return new Promise((resolve, reject) => user.updateAttributes(list, (err, result, details) =>
    (err ? reject(err) : resolve({ result, details }))));
}

/** globalSignOut signs the user out everywhere (GlobalSignOut). */
export function globalSignOut(user) {
  return new Promise((resolve, reject) => user.globalSignOut({ onSuccess: resolve, onFailure: reject }));
}

/** signOut revokes the refresh token (RevokeToken) and clears local data. */
export function signOut(user) {
  return new Promise((resolve, reject) => user.signOut((err) => (err ? reject(err) : resolve())));
}

/** getSession loads the cached session, refreshing it when it has expired. */
export function getSession(user) {
  return nodeCallback((cb) => user.getSession(cb));
}

function nodeCallback(call) {
  return new Promise((resolve, reject) => call((err, result) => (err ? reject(err) : resolve(result))));
}

/** signUp registers username with attributes ({ name: value }). */
export function signUp(pool, username, password, attributes = {}) {
  const list = Object.entries(attributes).map(([Name, Value]) => new CognitoUserAttribute({ Name, Value }));
  return nodeCallback((cb) => pool.signUp(username, password, list, [], cb));
}

/** confirmRegistration confirms a sign-up with the code sent to the user. */
export function confirmRegistration(user, code) {
  return nodeCallback((cb) => user.confirmRegistration(code, false, cb));
}

/** resendConfirmationCode asks for a new sign-up code. */
export function resendConfirmationCode(user) {
  return nodeCallback((cb) => user.resendConfirmationCode(cb));
}
