// The private-folders page: Amplify v6 signs the user in against Cognate
// and fetches identity pool credentials; the AWS SDK for JavaScript v3's
// S3 client spends them on the user's own folder through the S3 gateway.

import { Amplify } from 'aws-amplify';
import { fetchAuthSession, getCurrentUser, signIn, signOut } from 'aws-amplify/auth';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const $ = (id) => document.getElementById(id);
let cfg;

function say(text, error = false) {
  $('message').textContent = text;
  $('message').className = error ? 'error' : '';
}

/** session returns the identity id and an S3 client with the user's credentials. */
async function session() {
  const s = await fetchAuthSession();
  const s3 = new S3Client({
    region: cfg.region, endpoint: cfg.gateway, forcePathStyle: true, credentials: s.credentials,
  });
  return { identityId: s.identityId, s3, folder: `private/${s.identityId}/` };
}

async function showFiles() {
  const user = await getCurrentUser();
  const { identityId, s3, folder } = await session();
  $('user').textContent = user.username;
  $('identity').textContent = identityId;
  const out = await s3.send(new ListObjectsV2Command({ Bucket: cfg.bucket, Prefix: folder }));
  const list = $('list');
  list.replaceChildren();
  for (const o of out.Contents ?? []) {
    const li = document.createElement('li');
    li.textContent = `${o.Key.slice(folder.length)} (${o.Size} bytes)`;
    li.dataset.key = o.Key;
    list.append(li);
  }
  if (!list.children.length) {
    const li = document.createElement('li');
    li.textContent = 'No files yet.';
    list.append(li);
  }
  $('sign-in').hidden = true;
  $('files').hidden = false;
}

function showSignIn() {
  $('files').hidden = true;
  $('sign-in').hidden = false;
  $('username').focus();
}

async function main() {
  cfg = await (await fetch('/config.json')).json();
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: cfg.userPoolId,
        userPoolClientId: cfg.userPoolClientId,
        userPoolEndpoint: cfg.endpoint,
        identityPoolId: cfg.identityPoolId,
        identityPoolEndpoint: cfg.endpoint,
        loginWith: { username: true },
      },
    },
  });

  $('sign-in').addEventListener('submit', async (e) => {
    e.preventDefault();
    say('Signing in…');
    try {
      const r = await signIn({ username: $('username').value, password: $('password').value });
      if (!r.isSignedIn) throw new Error(`sign-in needs ${r.nextStep.signInStep}`);
      $('password').value = '';
      await showFiles();
      say('');
    } catch (err) {
      say(`Sign-in failed: ${err.message}`, true);
    }
  });

  $('upload').addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = $('file').files[0];
    if (!file) return;
    say(`Uploading ${file.name}…`);
    try {
      const { s3, folder } = await session();
      await s3.send(new PutObjectCommand({
        Bucket: cfg.bucket, Key: folder + file.name, Body: new Uint8Array(await file.arrayBuffer()),
        ContentType: file.type || 'application/octet-stream',
      }));
      $('file').value = '';
      await showFiles();
      say(`Uploaded ${file.name}.`);
    } catch (err) {
      say(`Upload failed: ${err.name}: ${err.message}`, true);
    }
  });

  $('peek').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const { s3 } = await session();
      const out = await s3.send(new GetObjectCommand({ Bucket: cfg.bucket, Key: $('other').value.trim() }));
      say(`Read ${(await out.Body.transformToString()).length} characters.`);
    } catch (err) {
      say(`Refused: ${err.name}`, true);
    }
  });

  $('sign-out').addEventListener('click', async () => {
    await signOut();
    say('Signed out.');
    showSignIn();
  });

  try {
    await showFiles();
  } catch {
    showSignIn();
  }
}

main().catch((err) => say(`The page failed to start: ${err.message}`, true));
