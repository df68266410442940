// amazon-cognito-identity-js and TOTP MFA: enrollment (associateSoftwareToken,
// verifySoftwareToken, setUserMfaPreference), sign-in with right, wrong and
// reused codes, and a remembered device that skips MFA.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminGetUser, createUser, enableTotp, newPool } from '../lib/admin.js';
import {
  associateSoftwareToken, authenticate, cognitoUser, getDevice, sendMFACode, setDeviceStatusRemembered,
  setUserMfaPreference, userPool, verifySoftwareToken,
} from '../lib/identityjs.js';
import { MemoryStorage } from '../lib/storage.js';
import { Authenticator } from '../lib/totp.js';
import { watch } from '../lib/wire.js';

const opts = { timeout: 120_000 };
const PASSWORD = 'USER_PASSWORD_AUTH';

/**
 * enrolled makes a pool with optional TOTP MFA (and pool settings), a user
 * who signed in with flow and enrolled an authenticator, and returns them
 * with the authenticator.
 */
async function enrolled({ pool: poolSettings, flow = PASSWORD } = {}) {
  const ids = await newPool({ pool: poolSettings });
  await enableTotp(ids.poolId, 'OPTIONAL');
  const u = await createUser(ids.poolId);
  const user = cognitoUser(userPool(ids), u.username);
  const r = await authenticate(user, u.password, flow);
  assert.equal(r.step, 'success', 'no MFA before enrollment');

  const secret = await associateSoftwareToken(user);
  assert.match(secret, /^[A-Z2-7]{16,}=*$/, 'a base32 secret');
  const app = new Authenticator(secret);
  const verified = await verifySoftwareToken(user, await app.code(), 'phone');
  assert.equal(verified.Status, 'SUCCESS');
  assert.equal(await setUserMfaPreference(user, null, { Enabled: true, PreferredMfa: true }), 'SUCCESS');
  return { ids, u, app };
}

test('TOTP enrollment: associate, verify, prefer', opts, async () => {
  const ids = await newPool();
  await enableTotp(ids.poolId, 'OPTIONAL');
  const u = await createUser(ids.poolId);
  const user = cognitoUser(userPool(ids), u.username);
  assert.equal((await authenticate(user, u.password, PASSWORD)).step, 'success');
  const wire = watch();

  const secret = await associateSoftwareToken(user);
  const app = new Authenticator(secret);
  // A wrong code does not enable the token; the right one does.
  await assert.rejects(verifySoftwareToken(user, app.wrongCode(), 'phone'), { code: 'EnableSoftwareTokenMFAException' });
  const verified = await verifySoftwareToken(user, await app.code(), 'phone');
  const preferred = await setUserMfaPreference(user, null, { Enabled: true, PreferredMfa: true });

  assert.deepEqual(wire.ops, ['AssociateSoftwareToken', 'VerifySoftwareToken', 'VerifySoftwareToken', 'SetUserMFAPreference']);
  assert.ok(wire.calls[0].request.AccessToken, 'associated with the access token');
  assert.equal(verified.Status, 'SUCCESS');
  assert.equal(preferred, 'SUCCESS');
  const admin = await adminGetUser(ids.poolId, u.username);
  assert.deepEqual(admin.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal(admin.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
});

test('MFA sign-in: a wrong code is refused, the right code signs in, a used code is refused',
  opts, async () => {
    const { ids, u, app } = await enrolled();
    const pool = userPool(ids);

    // Wrong code.
    let user = cognitoUser(pool, u.username);
    let r = await authenticate(user, u.password, PASSWORD);
    assert.equal(r.step, 'totpRequired');
    assert.equal(r.name, 'SOFTWARE_TOKEN_MFA');
    await assert.rejects(sendMFACode(user, app.wrongCode()), { code: 'CodeMismatchException' });

    // Right code.
    user = cognitoUser(pool, u.username);
    r = await authenticate(user, u.password, PASSWORD);
    assert.equal(r.step, 'totpRequired');
    const code = await app.code();
    const wire = watch();
    const done = await sendMFACode(user, code);
    assert.equal(done.step, 'success');
    assert.equal(wire.calls[0].request.ChallengeName, 'SOFTWARE_TOKEN_MFA');
    assert.equal(wire.calls[0].request.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE, code);
    const id = done.session.getIdToken().decodePayload();
    assert.equal(id['cognito:username'], u.username);

    // The same code again: a one-time password is accepted once.
    user = cognitoUser(pool, u.username);
    r = await authenticate(user, u.password, PASSWORD);
    assert.equal(r.step, 'totpRequired');
    await assert.rejects(sendMFACode(user, code), { code: 'CodeMismatchException' });
  });

test('MFA sign-in with SRP (the SDK default) and TOTP', opts, async () => {
  const { ids, u, app } = await enrolled({ flow: 'USER_SRP_AUTH' });
  const user = cognitoUser(userPool(ids), u.username);

  const r = await authenticate(user, u.password);
  assert.equal(r.step, 'totpRequired');
  const done = await sendMFACode(user, await app.code());

  assert.equal(done.step, 'success');
  assert.equal(done.session.getAccessToken().decodePayload().username, u.username);
});

test('a remembered device signs in without MFA; a new device still needs it',
  opts, async () => {
    const { ids, u, app } = await enrolled({
      pool: { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true } },
    });
    // A browser that has never signed in: MFA, then the SDK confirms the new device.
    const browser = userPool(ids, new MemoryStorage());
    let user = cognitoUser(browser, u.username);
    let r = await authenticate(user, u.password);
    assert.equal(r.step, 'totpRequired');
    let wire = watch();
    r = await sendMFACode(user, await app.code());
    assert.equal(r.step, 'success');
    assert.equal(r.userConfirmationNecessary, true, 'the pool remembers devices only on user prompt');
    const metadata = wire.calls[0].response.AuthenticationResult.NewDeviceMetadata;
    assert.ok(metadata?.DeviceKey && metadata?.DeviceGroupKey, 'NewDeviceMetadata');
    assert.deepEqual(wire.ops, ['RespondToAuthChallenge', 'ConfirmDevice']);
    assert.equal(r.session.getAccessToken().decodePayload().device_key, metadata.DeviceKey);

    // The user chooses to remember it.
    await setDeviceStatusRemembered(user);
    const device = await getDevice(user);
    assert.equal(device.Device.DeviceKey, metadata.DeviceKey);
    user.signOut(); // local only: the device key stays in the browser

    // The same browser signs in again: device SRP instead of a code.
    user = cognitoUser(browser, u.username);
    wire = watch();
    r = await authenticate(user, u.password);
    assert.equal(r.step, 'success', 'no MFA on a remembered device');
    const challenges = wire.calls.filter((c) => c.op === 'RespondToAuthChallenge').map((c) => c.request.ChallengeName);
    assert.deepEqual(challenges, ['PASSWORD_VERIFIER', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER']);
    assert.equal(r.session.getAccessToken().decodePayload().device_key, metadata.DeviceKey);

    // Another browser is a new device.
    const other = cognitoUser(userPool(ids, new MemoryStorage()), u.username);
    r = await authenticate(other, u.password);
    assert.equal(r.step, 'totpRequired');
  });
