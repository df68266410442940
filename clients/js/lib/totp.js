// RFC 6238 time-based one-time passwords (HMAC-SHA-1, 6 digits, 30-second
// steps, as Cognito's software tokens use), playing the authenticator app.

import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

const STEP_MS = 30_000;

/** base32Decode decodes RFC 4648 base32 (padding and case ignored). */
export function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of s.toUpperCase().replace(/=+$/, '')) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** hotp is RFC 4226's HOTP(key, counter) with `digits` digits. */
export function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(bin).padStart(digits, '0');
}

/** totp returns the code of the base32 secret at time ms. */
export function totp(secret, ms = Date.now()) {
  return hotp(base32Decode(secret), Math.floor(ms / STEP_MS));
}

/**
 * Authenticator is an authenticator app holding one secret. A server must
 * refuse a code it already accepted, so code() never hands out the code of
 * a time step it gave before: it waits for the next step instead (up to
 * 30 s), and it waits too when the current step is about to end, so the
 * server sees the same step.
 */
export class Authenticator {
  constructor(secret) {
    this.secret = secret;
    this.key = base32Decode(secret);
    this.lastStep = -1;
  }

  /** code returns a fresh code for the current time step. */
  async code() {
    for (;;) {
      const now = Date.now();
      const step = Math.floor(now / STEP_MS);
      const left = (step + 1) * STEP_MS - now;
      if (step > this.lastStep && left > 3_000) {
        this.lastStep = step;
        return hotp(this.key, step);
      }
      await sleep(left + 100);
    }
  }

  /** wrongCode returns a code valid for no step within five minutes of now. */
  wrongCode() {
    const step = Math.floor(Date.now() / STEP_MS);
    const near = new Set();
    for (let d = -10; d <= 10; d++) near.add(hotp(this.key, step + d));
    for (let n = 0; ; n++) {
      const c = String(n).padStart(6, '0');
      if (!near.has(c)) return c;
    }
  }
}
