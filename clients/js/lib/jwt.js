// Verifying the server's JWTs the way a resource server does: discovery
// document -> jwks_uri -> the key named by the token's kid -> RS256.

import { createPublicKey, verify } from 'node:crypto';

function part(s) {
  return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
}

/**
 * verifyWithDiscovery fetches issuer's openid-configuration and JWKS and
 * verifies jwt's RS256 signature. It returns { header, payload, discovery }
 * and throws if the signature does not verify.
 */
export async function verifyWithDiscovery(jwt, issuer) {
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  const jwks = await (await fetch(discovery.jwks_uri)).json();
  const [h, p, sig] = jwt.split('.');
  const header = part(h);
  if (header.alg !== 'RS256') throw new Error(`alg ${header.alg}`);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`no key ${header.kid} in ${discovery.jwks_uri}`);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig, 'base64url'));
  if (!ok) throw new Error('signature does not verify');
  return { header, payload: part(p), discovery };
}
