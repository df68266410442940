// Amplify v6 against pools whose Lambda triggers run: the functions are
// Go handlers (aws-lambda-go) behind a Lambda Invoke API stand-in that the
// Go harness starts (internal/jsclients/functions_test.go) and passes to
// `cognate serve --lambda-endpoint`.
//
// - a PreSignUp function auto-confirms: signUp completes at once;
// - DefineAuthChallenge / CreateAuthChallenge / VerifyAuthChallengeResponse
//   drive signIn with authFlowType CUSTOM_WITHOUT_SRP and confirmSignIn;
// - a pre token generation function (V2_0) adds claims that
//   fetchAuthSession shows in both tokens;
// - a CustomEmailSender gets the code encrypted with the AWS Encryption
//   SDK, which @aws-crypto/client-node decrypts with the raw AES keyring of
//   the server's --sender-encryption-key.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmSignIn, confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from 'aws-amplify/auth';
import {
  buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { adminGetUser, attributes, createUser, newPool, password, unique, uniqueEmail } from '../lib/admin.js';
import { configureAmplify } from '../lib/amplify.js';

const standIn = process.env.COGNATE_LAMBDA_STANDIN;
const opts = { timeout: 60_000, skip: standIn ? false : 'no Lambda stand-in (run through go test ./internal/jsclients)' };
const arn = (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

test('signUp with an auto-confirming PreSignUp function completes at once', opts, async () => {
  const ids = await newPool({ pool: { LambdaConfig: { PreSignUp: arn('js-pre-signup') } } });
  await configureAmplify(ids);
  const username = unique('pia');
  const email = uniqueEmail('pia');

  const up = await signUp({ username, password, options: { userAttributes: { email } } });

  assert.equal(up.isSignUpComplete, true);
  assert.equal(up.nextStep.signUpStep, 'DONE');
  const user = await adminGetUser(ids.poolId, username);
  assert.equal(user.UserStatus, 'CONFIRMED');
  assert.equal(attributes(user.UserAttributes).email_verified, 'true');
  const r = await signIn({ username, password });
  assert.equal(r.isSignedIn, true);
  await signOut();

  // The function refuses a sign-up without an e-mail address, as Cognito
  // reports a function's error.
  await assert.rejects(signUp({ username: unique('pia'), password }), (e) => {
    assert.equal(e.name, 'UserLambdaValidationException');
    assert.equal(e.message, 'PreSignUp failed with error an e-mail address is required.');
    return true;
  });
});

test('signIn with CUSTOM_WITHOUT_SRP answers the custom challenge through confirmSignIn', opts, async () => {
  const ids = await newPool({
    pool: {
      LambdaConfig: {
        DefineAuthChallenge: arn('js-define'), CreateAuthChallenge: arn('js-create'),
        VerifyAuthChallengeResponse: arn('js-verify'),
      },
    },
    client: { ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
  });
  await configureAmplify(ids);
  const { username } = await createUser(ids.poolId);

  const first = await signIn({ username, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
  assert.equal(first.isSignedIn, false);
  assert.equal(first.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
  assert.equal(first.nextStep.additionalInfo.question, 'What is 6 x 7?');

  const wrong = await confirmSignIn({ challengeResponse: '41' });
  assert.equal(wrong.isSignedIn, false, 'a wrong answer gets the question again');
  assert.equal(wrong.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');

  const done = await confirmSignIn({ challengeResponse: '42' });
  assert.equal(done.isSignedIn, true);
  const { tokens } = await fetchAuthSession();
  assert.equal(tokens.idToken.payload['cognito:username'], username);
  await signOut();
});

test('claims a pre token generation function adds show in fetchAuthSession', opts, async () => {
  const ids = await newPool({
    pool: { LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: arn('js-pre-token'), LambdaVersion: 'V2_0' } } },
  });
  await configureAmplify(ids);
  const { username } = await createUser(ids.poolId);

  const r = await signIn({ username, password });
  assert.equal(r.isSignedIn, true);
  const { tokens } = await fetchAuthSession();
  assert.equal(tokens.idToken.payload.favorite_color, 'blue');
  assert.deepEqual(tokens.idToken.payload.plan, { tier: 'gold' });
  assert.equal(tokens.accessToken.payload.tenant, 'acme');
  assert.ok(tokens.accessToken.payload.scope.split(' ').includes('orders/read'), tokens.accessToken.payload.scope);

  // A refresh runs the function again.
  const refreshed = await fetchAuthSession({ forceRefresh: true });
  assert.notEqual(refreshed.tokens.idToken.toString(), tokens.idToken.toString());
  assert.equal(refreshed.tokens.idToken.payload.favorite_color, 'blue');
  await signOut();
});

test('a CustomEmailSender gets the code encrypted with the AWS Encryption SDK', opts, async () => {
  const ids = await newPool({
    pool: { LambdaConfig: { CustomEmailSender: { LambdaArn: arn('js-email-sender'), LambdaVersion: 'V1_0' } } },
  });
  await configureAmplify(ids);
  const username = unique('quinn');
  const email = uniqueEmail('quinn');

  const up = await signUp({ username, password, options: { userAttributes: { email } } });
  assert.equal(up.nextStep.signUpStep, 'CONFIRM_SIGN_UP');

  const events = await (await fetch(`${standIn}/events/js-email-sender`)).json();
  const event = events.findLast((e) => e.userName === username);
  assert.ok(event, 'the sender was invoked for the user');
  assert.equal(event.triggerSource, 'CustomEmailSender_SignUp');
  assert.equal(event.request.type, 'customEmailSenderRequestV1');
  assert.equal(event.request.userAttributes.email, email);

  const keyring = new RawAesKeyringNode({
    keyNamespace: 'cognate', keyName: 'sender',
    unencryptedMasterKey: new Uint8Array(Buffer.from(process.env.COGNATE_SENDER_KEY, 'base64')),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const { plaintext, messageHeader } = await decrypt(keyring, Buffer.from(event.request.code, 'base64'));
  assert.equal(messageHeader.encryptionContext['userpool-id'], ids.poolId);
  const code = plaintext.toString('utf8');
  assert.match(code, /^\d{6}$/);

  const done = await confirmSignUp({ username, confirmationCode: code });
  assert.equal(done.isSignUpComplete, true);
});
