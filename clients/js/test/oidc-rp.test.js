// A strict OpenID Connect relying party (oauth4webapi) against a user pool
// domain. It knows the issuer, its clients' ids and secrets, its own
// redirect and logout URLs, and a user's password: every endpoint comes from
// the discovery document, and the user signs in through the managed sign-in
// page by plain HTTP form posts (no JavaScript), with cookies kept by hand.
// internal/app's TestOAuthNodeRelyingParty sets the pool up, serves it over
// https and passes OIDC_*; in the clients/js suite (COGNATE_ENDPOINT) this
// file sets up a pool of its own with the root credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import * as oauth from 'oauth4webapi';

const env = await relyingParty(process.env);
const skip = env ? false : 'neither OIDC_ISSUER nor COGNATE_ENDPOINT is set';
// Requests are https (internal/app's test serves TLS with a certificate
// NODE_EXTRA_CA_CERTS trusts); plain http only if the issuer is.
const http = env?.OIDC_ISSUER.startsWith('http:') ? { [oauth.allowInsecureRequests]: true } : {};

// relyingParty returns the relying party's configuration: OIDC_* as given,
// or a pool made for it (a domain, a resource server, three clients and a
// user) on the server at COGNATE_ENDPOINT.
async function relyingParty(e) {
  if (e.OIDC_ISSUER) return e;
  if (!e.COGNATE_ENDPOINT) return undefined;
  const admin = await import('../lib/admin.js');
  const cip = await import('@aws-sdk/client-cognito-identity-provider');
  const poolId = await admin.createPool();
  await admin.idp.send(new cip.CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: admin.unique('rp-') }));
  await admin.idp.send(new cip.CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'api', Name: 'API',
    Scopes: [{ ScopeName: 'read', ScopeDescription: 'read' }] }));
  const redirect = 'http://rp.test/callback', logout = 'http://rp.test/signed-out';
  const client = async (secret, flows, scopes) => (await admin.idp.send(new cip.CreateUserPoolClientCommand({
    UserPoolId: poolId, ClientName: 'rp', GenerateSecret: secret, AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: flows, AllowedOAuthScopes: scopes, CallbackURLs: [redirect], LogoutURLs: [logout],
    SupportedIdentityProviders: ['COGNITO'], EnableTokenRevocation: true,
  }))).UserPoolClient;
  const conf = await client(true, ['code'], ['openid', 'email', 'profile']);
  const pub = await client(false, ['code'], ['openid', 'email']);
  const m2m = await client(true, ['client_credentials'], ['api/read']);
  const user = await admin.createUser(poolId);
  return {
    OIDC_ISSUER: `${e.COGNATE_ENDPOINT.replace(/\/+$/, '')}/${poolId}`,
    OIDC_CLIENT_ID: conf.ClientId, OIDC_CLIENT_SECRET: conf.ClientSecret, OIDC_PUBLIC_CLIENT_ID: pub.ClientId,
    OIDC_M2M_CLIENT_ID: m2m.ClientId, OIDC_M2M_CLIENT_SECRET: m2m.ClientSecret, OIDC_M2M_SCOPE: 'api/read',
    OIDC_REDIRECT_URI: redirect, OIDC_LOGOUT_URI: logout,
    OIDC_USERNAME: user.username, OIDC_PASSWORD: user.password, OIDC_EMAIL: user.email,
  };
}

let asPromise;
function discover() {
  asPromise ??= (async () => {
    const issuer = new URL(env.OIDC_ISSUER);
    const res = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...http });
    return oauth.processDiscoveryResponse(issuer, res);
  })();
  return asPromise;
}

const confidential = () => ({ client_id: env.OIDC_CLIENT_ID, require_auth_time: true });

// A user agent without JavaScript: cookies by hand, redirects followed
// until they reach the relying party's own URLs.
class Browser {
  cookies = new Map();
  raw = []; // every Set-Cookie header received

  async request(url, init = {}) {
    const u = new URL(url);
    const headers = new Headers(init.headers);
    const jar = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (jar) headers.set('cookie', jar);
    const res = await fetch(u, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      this.raw.push(c);
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const gone = attrs.some((a) => /^\s*max-age=(0|-\d+)\s*$/i.test(a)) ||
        attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now());
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(i + 1).trim());
    }
    return res;
  }

  // go follows redirects from url until a page, or a redirect to stop's
  // origin+path (the relying party), which it returns as a URL.
  async go(url, init, stop) {
    let res = await this.request(url, init);
    let at = new URL(url);
    for (let hops = 0; res.status >= 300 && res.status < 400; hops++) {
      assert.ok(hops < 10, 'too many redirects');
      const next = new URL(res.headers.get('location'), at);
      if (stop.some((s) => next.href.startsWith(s))) return { redirect: next };
      at = next;
      res = await this.request(next);
    }
    return { page: { status: res.status, url: at, body: await res.text(), headers: res.headers } };
  }
}

const unescape = (s) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(+n))
  .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCharCode(parseInt(n, 16)))
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attr = (tag, name) => {
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`, 'i'));
  return m ? unescape(m[1]) : undefined;
};

// form reads the page's POST form: its action and the hidden fields.
function form(page) {
  const m = page.body.match(/<form\b[^>]*>([\s\S]*?)<\/form>/i);
  assert.ok(m, `no form on the page (${page.status}):\n${page.body}`);
  const tag = m[0].slice(0, m[0].indexOf('>') + 1);
  assert.equal(attr(tag, 'method')?.toLowerCase(), 'post');
  const fields = new URLSearchParams();
  const names = [];
  for (const input of m[1].match(/<input\b[^>]*>/gi) ?? []) {
    const name = attr(input, 'name');
    if (name) names.push(name);
    if (name && attr(input, 'type') === 'hidden') fields.set(name, attr(input, 'value') ?? '');
  }
  return { action: new URL(attr(tag, 'action'), page.url), fields, names };
}

// signIn sends the browser to the authorization endpoint and through the
// sign-in page; it returns the callback URL the relying party receives.
async function signIn(as, b, clientId, { state, nonce, challenge, silent }) {
  const auth = new URL(as.authorization_endpoint);
  auth.search = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: env.OIDC_REDIRECT_URI,
    scope: 'openid email', state, nonce, code_challenge: challenge, code_challenge_method: 'S256',
  });
  const stop = [env.OIDC_REDIRECT_URI];
  let r = await b.go(auth, {}, stop);
  if (r.redirect) return r.redirect; // a live session signs in silently
  assert.ok(!silent, `a live session should have signed in without the page: ${r.page.status} ${r.page.url}`);
  assert.equal(r.page.status, 200, r.page.body);
  const f = form(r.page);
  assert.ok(f.names.includes('username') && f.names.includes('password'), `sign-in form fields: ${f.names}`);
  assert.ok(f.fields.get('_csrf'), 'the sign-in form carries a CSRF token');
  f.fields.set('username', env.OIDC_USERNAME);
  f.fields.set('password', env.OIDC_PASSWORD);
  r = await b.go(f.action, {
    method: 'POST', body: f.fields,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: f.action.origin },
  }, stop);
  assert.ok(r.redirect, `no redirect to the relying party: ${r.page?.status}\n${r.page?.body}`);
  return r.redirect;
}

// codeFlow runs the authorization code grant with PKCE, state and nonce
// and returns the validated token response and its ID token's claims.
async function codeFlow(as, client, clientAuth, b = new Browser(), silent = false) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const challenge = await oauth.calculatePKCECodeChallenge(verifier);
  const callback = await signIn(as, b, client.client_id, { state, nonce, challenge, silent });
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const res = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, env.OIDC_REDIRECT_URI, verifier, http);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, res, { expectedNonce: nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  return { tokens, claims, params, verifier, browser: b, nonce };
}

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const part = (jwt, i) => JSON.parse(Buffer.from(jwt.split('.')[i], 'base64url'));

// verifySignature checks a JWT's signature against the JWKS at jwks_uri.
async function verifySignature(as, jwt) {
  const res = await fetch(as.jwks_uri);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/(jwk-set\+)?json/);
  const { keys } = await res.json();
  const header = part(jwt, 0);
  const jwk = keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} in the JWKS`);
  assert.equal(jwk.kty, 'RSA');
  assert.equal(jwk.use, 'sig');
  assert.equal(jwk.alg, header.alg);
  const key = await webcrypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
  const [h, p, s] = jwt.split('.');
  assert.ok(await webcrypto.subtle.verify('RSASSA-PKCS1-v1_5', key, Buffer.from(s, 'base64url'), Buffer.from(`${h}.${p}`)), 'signature');
}

// oauthError runs fn, which must throw oauth4webapi's error for an RFC 6749
// error response, and returns it.
async function oauthError(fn) {
  try {
    await fn();
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError || err instanceof oauth.WWWAuthenticateChallengeError) return err;
    throw err;
  }
  assert.fail('the request succeeded');
}

test('discovery names every endpoint (OpenID Connect Discovery 1.0)', { skip }, async () => {
  const as = await discover();
  assert.equal(as.issuer, env.OIDC_ISSUER);
  for (const f of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'revocation_endpoint', 'end_session_endpoint']) {
    assert.ok(URL.canParse(as[f]), `${f}: ${as[f]}`);
  }
  assert.ok(as.response_types_supported.includes('code'));
  assert.ok(as.subject_types_supported.includes('public'));
  assert.ok(as.id_token_signing_alg_values_supported.includes('RS256'));
  assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
  assert.ok(as.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
  assert.ok(as.token_endpoint_auth_methods_supported.includes('client_secret_post'));
  assert.ok(as.scopes_supported.includes(env.OIDC_M2M_SCOPE));
});

test('code + PKCE with client_secret_basic: ID token, userInfo, refresh, revocation, logout', { skip }, async () => {
  const as = await discover();
  const client = confidential();
  const auth = oauth.ClientSecretBasic(env.OIDC_CLIENT_SECRET);
  const { tokens, claims, browser, nonce } = await codeFlow(as, client, auth);

  assert.equal(tokens.token_type, 'bearer');
  assert.equal(typeof tokens.expires_in, 'number');
  assert.ok(tokens.refresh_token);
  assert.equal(claims.iss, as.issuer);
  assert.equal(claims.aud, client.client_id);
  assert.equal(claims.nonce, nonce);
  assert.equal(claims.email, env.OIDC_EMAIL);
  assert.equal(claims['cognito:username'], env.OIDC_USERNAME);
  assert.equal(typeof claims.auth_time, 'number');
  const half = createHash('sha256').update(tokens.access_token).digest().subarray(0, 16);
  assert.equal(claims.at_hash, b64u(half), 'at_hash is the left half of the access token\'s SHA-256');
  await verifySignature(as, tokens.id_token);
  await verifySignature(as, tokens.access_token);

  const info = await oauth.processUserInfoResponse(as, client, claims.sub,
    await oauth.userInfoRequest(as, client, tokens.access_token, http));
  assert.equal(info.sub, claims.sub);
  assert.equal(info.email, env.OIDC_EMAIL);
  // The auth-scheme is case-insensitive (RFC 7235 2.1).
  const lower = await fetch(as.userinfo_endpoint, { headers: { authorization: `bearer ${tokens.access_token}` } });
  assert.equal(lower.status, 200);
  assert.equal((await lower.json()).sub, claims.sub);

  // A mismatched subject is refused by the relying party, not the server.
  await assert.rejects(async () => oauth.processUserInfoResponse(as, client, 'someone-else',
    await oauth.userInfoRequest(as, client, tokens.access_token, http)));

  const refreshed = await oauth.processRefreshTokenResponse(as, client,
    await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token, http));
  assert.ok(refreshed.access_token && refreshed.id_token);
  assert.equal(refreshed.token_type, 'bearer');
  // OpenID Connect Core 12.2: the same iss, sub, aud and auth_time.
  const again2 = oauth.getValidatedIdTokenClaims(refreshed);
  for (const c of ['iss', 'sub', 'aud', 'auth_time']) assert.deepEqual(again2[c], claims[c], c);
  assert.equal(again2.at_hash, b64u(createHash('sha256').update(refreshed.access_token).digest().subarray(0, 16)));

  // Cognito revokes refresh tokens (and the access tokens issued from
  // them); an access token is unsupported_token_type (RFC 7009 2.2.1).
  const access = await oauthError(async () => oauth.processRevocationResponse(
    await oauth.revocationRequest(as, client, auth, tokens.access_token, http)));
  assert.equal(access.error, 'unsupported_token_type');
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.refresh_token, http));
  const gone = await oauth.userInfoRequest(as, client, refreshed.access_token, http);
  assert.equal(gone.status, 401, 'the access tokens of a revoked refresh token are revoked');
  const revoked = await oauthError(async () => oauth.processRefreshTokenResponse(as, client,
    await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token, http)));
  assert.equal(revoked.error, 'invalid_grant');

  // A live session signs in again silently; RP-initiated logout ends it.
  assert.ok(browser.raw.length > 0);
  for (const c of browser.raw) {
    assert.match(c, /;\s*HttpOnly/i, c);
    if (as.issuer.startsWith('https:')) assert.match(c, /;\s*Secure/i, c);
  }
  // auth_time is when the user authenticated (OpenID Connect Core 2), not
  // when a session signed them in again without a password.
  await new Promise((done) => setTimeout(done, 1100));
  const again = await codeFlow(as, client, auth, browser, true);
  assert.equal(again.claims.sub, claims.sub);
  assert.equal(again.claims.auth_time, claims.auth_time);
  assert.ok(again.claims.iat > claims.auth_time);
  const state = oauth.generateRandomState();
  const logout = new URL(as.end_session_endpoint);
  logout.search = new URLSearchParams({ client_id: client.client_id, id_token_hint: again.tokens.id_token,
    post_logout_redirect_uri: env.OIDC_LOGOUT_URI, state });
  const out = await browser.go(logout, {}, [env.OIDC_LOGOUT_URI]);
  assert.ok(out.redirect, `logout did not return to the relying party: ${out.page?.status}`);
  assert.equal(out.redirect.searchParams.get('state'), state);
  const auth2 = new URL(as.authorization_endpoint);
  auth2.search = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: env.OIDC_REDIRECT_URI, scope: 'openid' });
  const after = await browser.go(auth2, {}, [env.OIDC_REDIRECT_URI]);
  assert.ok(after.page, 'after logout the user must sign in again');
  assert.ok(form(after.page).names.includes('password'));
});

test('code + PKCE with client_secret_post; a reused code is invalid_grant', { skip }, async () => {
  const as = await discover();
  const client = confidential();
  const auth = oauth.ClientSecretPost(env.OIDC_CLIENT_SECRET);
  const { params, verifier, claims } = await codeFlow(as, client, auth);
  assert.equal(claims.aud, client.client_id);
  const err = await oauthError(async () => oauth.processAuthorizationCodeResponse(as, client,
    await oauth.authorizationCodeGrantRequest(as, client, auth, params, env.OIDC_REDIRECT_URI, verifier, http)));
  assert.equal(err.error, 'invalid_grant');
  assert.equal(err.status, 400);
});

test('a public client with PKCE; a wrong code_verifier is invalid_grant', { skip }, async () => {
  const as = await discover();
  const client = { client_id: env.OIDC_PUBLIC_CLIENT_ID, require_auth_time: true };
  const { claims } = await codeFlow(as, client, oauth.None());
  assert.equal(claims.aud, client.client_id);

  const b = new Browser();
  const state = oauth.generateRandomState();
  const challenge = await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier());
  const callback = await signIn(as, b, client.client_id, { state, nonce: oauth.generateRandomNonce(), challenge });
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const err = await oauthError(async () => oauth.processAuthorizationCodeResponse(as, client,
    await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, env.OIDC_REDIRECT_URI, oauth.generateRandomCodeVerifier(), http)));
  assert.equal(err.error, 'invalid_grant');
});

test('client_credentials with a resource server scope', { skip }, async () => {
  const as = await discover();
  const client = { client_id: env.OIDC_M2M_CLIENT_ID };
  const auth = oauth.ClientSecretBasic(env.OIDC_M2M_CLIENT_SECRET);
  const res = await oauth.processClientCredentialsResponse(as, client,
    await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams({ scope: env.OIDC_M2M_SCOPE }), http));
  assert.equal(res.token_type, 'bearer');
  assert.equal(typeof res.expires_in, 'number');
  assert.equal(res.id_token, undefined);
  assert.equal(res.refresh_token, undefined);
  const at = part(res.access_token, 1);
  assert.equal(at.scope, env.OIDC_M2M_SCOPE);
  assert.equal(at.client_id, client.client_id);
  assert.equal(at.iss, as.issuer);
  await verifySignature(as, res.access_token);
});

test('a wrong client secret is invalid_client: 401 with WWW-Authenticate for Basic (RFC 6749 5.2)', { skip }, async () => {
  const as = await discover();
  const client = { client_id: env.OIDC_M2M_CLIENT_ID };
  const params = new URLSearchParams({ scope: env.OIDC_M2M_SCOPE });

  const basic = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('wrong'), params, http);
  assert.equal(basic.status, 401);
  assert.match(basic.headers.get('www-authenticate') ?? '', /^Basic\b/i);
  assert.equal(basic.headers.get('cache-control'), 'no-store');
  assert.equal((await basic.clone().json()).error, 'invalid_client');
  const err = await oauthError(() => oauth.processClientCredentialsResponse(as, client, basic));
  assert.equal(err.status, 401);

  const post = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost('wrong'), params, http);
  assert.equal(post.status, 401);
  assert.equal((await oauthError(() => oauth.processClientCredentialsResponse(as, client, post))).error, 'invalid_client');
});

test('userInfo refuses a bad token with a Bearer challenge (RFC 6750 3)', { skip }, async () => {
  const as = await discover();
  const client = confidential();
  const res = await oauth.userInfoRequest(as, client, 'not-a-token', http);
  assert.equal(res.status, 401);
  const err = await oauthError(() => oauth.processUserInfoResponse(as, client, oauth.skipSubjectCheck, res));
  assert.ok(err instanceof oauth.WWWAuthenticateChallengeError, err.message);
  assert.equal(err.cause[0].scheme, 'bearer');
  assert.equal(err.cause[0].parameters.error, 'invalid_token');
});

test('userInfo without a token is invalid_request with a Bearer challenge, as Cognito documents', { skip }, async () => {
  const as = await discover();
  for (const headers of [{}, { authorization: 'Basic cm9vdDpyb290' }]) {
    const res = await fetch(as.userinfo_endpoint, { headers });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('www-authenticate'), /^Bearer error="invalid_request"/);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.equal((await res.json()).error, 'invalid_request');
  }
});

test('authorization errors come back to the redirect_uri with state (RFC 6749 4.1.2.1)', { skip }, async () => {
  const as = await discover();
  const client = confidential();
  const cases = [
    [{ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request'],
    [{ prompt: 'none' }, 'login_required'],
    [{ scope: 'openid phone' }, 'invalid_scope'],
    [[['nonce', 'a'], ['nonce', 'b']], 'invalid_request'], // RFC 6749 3.1: no parameter twice
  ];
  for (const [extra, want] of cases) {
    const state = oauth.generateRandomState();
    const auth = new URL(as.authorization_endpoint);
    const params = new URLSearchParams({ response_type: 'code', client_id: client.client_id,
      redirect_uri: env.OIDC_REDIRECT_URI, scope: 'openid', state });
    for (const [k, v] of Array.isArray(extra) ? extra : Object.entries(extra)) {
      if (Array.isArray(extra)) params.append(k, v);
      else params.set(k, v);
    }
    auth.search = params;
    const r = await new Browser().go(auth, {}, [env.OIDC_REDIRECT_URI]);
    assert.ok(r.redirect, `${want}: no redirect (${r.page?.status})`);
    assert.throws(() => oauth.validateAuthResponse(as, client, r.redirect, state),
      (err) => err instanceof oauth.AuthorizationResponseError && err.error === want, want);
  }
});

test('a token request with a parameter twice is invalid_request (RFC 6749 3.2)', { skip }, async () => {
  const as = await discover();
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope: env.OIDC_M2M_SCOPE });
  body.append('scope', 'openid');
  const res = await fetch(as.token_endpoint, { method: 'POST', body, headers: {
    authorization: `Basic ${Buffer.from(`${env.OIDC_M2M_CLIENT_ID}:${env.OIDC_M2M_CLIENT_SECRET}`).toString('base64')}` } });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, 'invalid_request');
});
