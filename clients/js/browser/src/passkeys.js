// The page of test/passkeys.test.js: Amplify v6 as an app would use it,
// with buttons a person (or the test) clicks. Each step writes what it
// did to the page, so the screenshot shows the whole story.
import { Amplify } from 'aws-amplify';
import {
  associateWebAuthnCredential, deleteWebAuthnCredential, fetchAuthSession, getCurrentUser,
  listWebAuthnCredentials, signIn, signOut,
} from 'aws-amplify/auth';

const params = new URLSearchParams(location.search);
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: params.get('pool'),
      userPoolClientId: params.get('client'),
      userPoolEndpoint: params.get('endpoint'),
    },
  },
});

const log = document.querySelector('#log');
const status = document.querySelector('#status');

function say(text, cls = 'ok') {
  const li = document.createElement('li');
  li.className = cls;
  li.textContent = text;
  log.append(li);
}

// run performs one step; its result (or error) lands in #status as JSON
// for the test to read, and in the log for people.
async function run(name, fn) {
  status.textContent = '';
  try {
    const result = await fn();
    status.dataset.state = 'done';
    status.textContent = JSON.stringify({ ok: true, result: result ?? null });
  } catch (e) {
    say(`${name} failed: ${e.name}: ${e.message}`, 'error');
    status.dataset.state = 'done';
    status.textContent = JSON.stringify({ ok: false, name: e.name, message: e.message });
  }
}

const username = () => document.querySelector('#username').value;

const steps = {
  async password() {
    const out = await signIn({ username: username(), password: document.querySelector('#password').value });
    say(`Signed in with a password (SRP): ${out.nextStep.signInStep}`);
    return out;
  },
  async register() {
    await associateWebAuthnCredential();
    say('Passkey registered (StartWebAuthnRegistration, navigator.credentials.create, CompleteWebAuthnRegistration)');
  },
  async list() {
    const { credentials } = await listWebAuthnCredentials();
    for (const c of credentials) {
      say(`Passkey ${c.credentialId.slice(0, 12)}…: "${c.friendlyCredentialName}", relying party ${c.relyingPartyId}`);
    }
    return credentials;
  },
  async signOut() {
    await signOut();
    say('Signed out');
  },
  async passkey() {
    const out = await signIn({
      username: username(),
      options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' },
    });
    const user = await getCurrentUser();
    const { tokens } = await fetchAuthSession();
    say(`Signed in with a passkey (USER_AUTH, WEB_AUTHN) as ${user.username}: ${out.nextStep.signInStep}`);
    return { out, username: user.username, hasAccessToken: !!tokens?.accessToken };
  },
  async remove() {
    const { credentials } = await listWebAuthnCredentials();
    for (const c of credentials) {
      await deleteWebAuthnCredential({ credentialId: c.credentialId });
    }
    say(`Deleted ${credentials.length} passkey(s)`);
  },
};

for (const [name, fn] of Object.entries(steps)) {
  document.querySelector(`[data-step=${name}]`).addEventListener('click', () => run(name, fn));
}
