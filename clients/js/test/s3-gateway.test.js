// The S3 gateway with Amplify v6 and the AWS SDK for JavaScript v3's S3
// client, as a web app uses identity-pool credentials on private folders:
// two users sign in with Amplify, each uploads to and lists their own
// private/<identity id>/ folder through the gateway, and neither reaches
// the other's.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { createUser, newPool, unique } from '../lib/admin.js';
import { configureAmplify } from '../lib/amplify.js';
import { rejectsWith } from '../lib/assert.js';
import { credentials, region, s3Gateway } from '../lib/env.js';
import { iam, newIdentityPool } from '../lib/idpool.js';

const opts = { timeout: 90_000, skip: s3Gateway ? false : 'no S3 gateway (moto_server is not installed)' };

/** s3 is an S3 client for the gateway with the given credentials. */
function s3(creds) {
  return new S3Client({ endpoint: s3Gateway, region, credentials: creds, forcePathStyle: true, maxAttempts: 1 });
}

test('Amplify users reach their own private folder through the S3 gateway, and not another\'s', opts, async () => {
  const bucket = unique('jsbucket-').toLowerCase();
  await s3(credentials).send(new CreateBucketCommand({ Bucket: bucket }));
  const ids = await newPool();
  const idpool = await newIdentityPool(ids, { allowGuests: false });
  await iam.send(new PutRolePolicyCommand({
    RoleName: idpool.authRole.RoleName, PolicyName: 'private-folders',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: `arn:aws:s3:::${bucket}/private/\${cognito-identity.amazonaws.com:sub}/*` },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}`,
          Condition: { StringLike: { 's3:prefix': ['private/${cognito-identity.amazonaws.com:sub}/', 'private/${cognito-identity.amazonaws.com:sub}/*'] } } },
      ],
    }),
  }));
  await configureAmplify({ ...ids, identityPoolId: idpool.identityPoolId });
  const sessions = {};
  for (const name of ['ann', 'bob']) {
    const u = await createUser(ids.poolId);
    const r = await signIn({ username: u.username, password: u.password, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
    assert.equal(r.isSignedIn, true);
    sessions[name] = await fetchAuthSession();
    await signOut();
  }
  const ann = s3(sessions.ann.credentials);
  const bob = s3(sessions.bob.credentials);
  const annKey = `private/${sessions.ann.identityId}/hello.txt`;

  await ann.send(new PutObjectCommand({ Bucket: bucket, Key: annKey, Body: 'hello from ann', ContentType: 'text/plain' }));
  const got = await ann.send(new GetObjectCommand({ Bucket: bucket, Key: annKey }));
  assert.equal(await got.Body.transformToString(), 'hello from ann');
  const head = await ann.send(new HeadObjectCommand({ Bucket: bucket, Key: annKey }));
  assert.equal(head.Metadata['cognate-identity-id'], sessions.ann.identityId);

  const listed = await ann.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `private/${sessions.ann.identityId}/` }));
  assert.deepEqual(listed.Contents.map((o) => o.Key), [annKey]);

  await rejectsWith(bob.send(new GetObjectCommand({ Bucket: bucket, Key: annKey })), 'AccessDenied');
  await rejectsWith(bob.send(new PutObjectCommand({ Bucket: bucket, Key: annKey, Body: 'overwrite' })), 'AccessDenied');
  await rejectsWith(bob.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `private/${sessions.ann.identityId}/` })), 'AccessDenied');
  await rejectsWith(ann.send(new ListObjectsV2Command({ Bucket: bucket })), 'AccessDenied');

  // A forged secret key is refused by signature.
  const forged = { ...sessions.ann.credentials, secretAccessKey: 'x'.repeat(40) };
  await rejectsWith(s3(forged).send(new GetObjectCommand({ Bucket: bucket, Key: annKey })), 'SignatureDoesNotMatch');
});
