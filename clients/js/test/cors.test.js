// CORS, as a browser running the SDKs needs it: the preflight allows every
// header amazon-cognito-identity-js and Amplify actually send, and the
// responses (errors too) let the page read the body and the error headers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signIn, signOut } from 'aws-amplify/auth';
import { createUser, newPool } from '../lib/admin.js';
import { configureAmplify } from '../lib/amplify.js';
import { endpoint } from '../lib/env.js';
import { authenticate, cognitoUser, userPool } from '../lib/identityjs.js';
import { watch } from '../lib/wire.js';

const opts = { timeout: 60_000 };
const origin = 'http://localhost:3000';
// Headers a browser sends without asking (CORS-safelisted request headers).
const safelisted = new Set(['accept', 'accept-language', 'content-language']);

/** headersSentBySDKs signs a user in with both SDKs and returns the header names they set. */
async function headersSentBySDKs() {
  const ids = await newPool();
  const u = await createUser(ids.poolId);
  const wire = watch();
  await authenticate(cognitoUser(userPool(ids), u.username), u.password, 'USER_PASSWORD_AUTH');
  await configureAmplify(ids);
  await signIn({ username: u.username, password: u.password, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
  await signOut();
  const names = new Set(wire.calls.flatMap((c) => c.headers));
  assert.ok(names.has('x-amz-target'), 'recorded the SDK requests');
  return [...names].filter((n) => !safelisted.has(n));
}

function list(value) {
  return (value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

test('the preflight allows POST with every header the SDKs send', opts, async () => {
  const sent = await headersSentBySDKs();

  const resp = await fetch(endpoint + '/', {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': sent.join(','),
    },
  });

  assert.ok(resp.status >= 200 && resp.status < 300, `preflight status ${resp.status}`);
  const allowOrigin = resp.headers.get('access-control-allow-origin');
  assert.ok(allowOrigin === '*' || allowOrigin === origin, `Access-Control-Allow-Origin: ${allowOrigin}`);
  assert.ok(list(resp.headers.get('access-control-allow-methods')).includes('post'));
  const allowed = list(resp.headers.get('access-control-allow-headers'));
  for (const h of sent) assert.ok(allowed.includes(h) || allowed.includes('*'), `preflight allows ${h}`);
});

test('cross-origin responses, errors included, are readable by the page', opts, async () => {
  const ids = await newPool();
  const resp = await fetch(endpoint + '/', {
    method: 'POST',
    headers: {
      Origin: origin,
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      ClientId: ids.clientId, AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'nobody', PASSWORD: 'Wrong-Horse-9-battery' },
    }),
  });

  assert.equal(resp.status, 400);
  const allowOrigin = resp.headers.get('access-control-allow-origin');
  assert.ok(allowOrigin === '*' || allowOrigin === origin, `Access-Control-Allow-Origin: ${allowOrigin}`);
  const exposed = list(resp.headers.get('access-control-expose-headers'));
  assert.ok(exposed.includes('x-amzn-errortype'), 'x-amzn-ErrorType is exposed (amazon-cognito-identity-js falls back to it)');
  assert.ok(exposed.includes('x-amzn-requestid'), 'x-amzn-RequestId is exposed');
  const body = await resp.json();
  assert.equal(body.__type, 'UserNotFoundException');
  assert.ok(resp.headers.get('x-amzn-errortype')?.startsWith('UserNotFoundException'));
});
