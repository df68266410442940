// The page of test/redirect.test.js: Amplify v6's signInWithRedirect
// against a Cognate user pool domain. Amplify sends the browser to the
// domain's /oauth2/authorize (code + PKCE), the user signs in on the
// managed page, and on the way back Amplify redeems the code at
// /oauth2/token; the page then shows who is signed in.
import { Amplify } from 'aws-amplify';
import { Hub } from 'aws-amplify/utils';
import { fetchAuthSession, getCurrentUser, signInWithRedirect, signOut } from 'aws-amplify/auth';
import 'aws-amplify/auth/enable-oauth-listener';

const cfg = JSON.parse(localStorage.getItem('cognate-redirect-config') || 'null') ||
  Object.fromEntries(new URLSearchParams(location.search));
localStorage.setItem('cognate-redirect-config', JSON.stringify(cfg));
const here = `${location.origin}/`;
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: cfg.pool,
      userPoolClientId: cfg.client,
      userPoolEndpoint: cfg.endpoint,
      loginWith: {
        oauth: {
          domain: cfg.domain,
          scopes: ['openid', 'email', 'aws.cognito.signin.user.admin'],
          redirectSignIn: [here],
          redirectSignOut: [here],
          responseType: 'code',
        },
      },
    },
  },
});

const log = document.querySelector('#log');
const status = document.querySelector('#status');
const say = (text) => { const li = document.createElement('li'); li.textContent = text; log.append(li); };
const done = (v) => { status.dataset.state = 'done'; status.textContent = JSON.stringify(v); };

Hub.listen('auth', async ({ payload }) => {
  say(`Hub: ${payload.event}`);
  if (payload.event === 'signInWithRedirect') {
    const user = await getCurrentUser();
    const session = await fetchAuthSession();
    say(`signed in as ${user.username}`);
    done({ ok: true, username: user.username, scope: session.tokens?.accessToken?.payload?.scope ?? null,
      hasIdToken: Boolean(session.tokens?.idToken) });
  }
  if (payload.event === 'signInWithRedirect_failure') {
    say(`failed: ${payload.data?.error?.message}`);
    done({ ok: false, message: String(payload.data?.error?.message) });
  }
});

document.querySelector('#signin').addEventListener('click', () => {
  signInWithRedirect().catch((e) => done({ ok: false, message: `${e.name}: ${e.message}` }));
});
document.querySelector('#signout').addEventListener('click', () => {
  signOut().catch((e) => done({ ok: false, message: `${e.name}: ${e.message}` }));
});
