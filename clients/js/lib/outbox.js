// Codes from the server's development outbox: without SMTP, Cognate writes
// every message as <outbox>/<UTC timestamp>-<kind>-<random>.eml and the
// tests read the code out of it, as a developer would.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { outboxDir } from './env.js';

/** decodeQuotedPrintable undoes RFC 2045 quoted-printable encoding. */
function decodeQuotedPrintable(s) {
  const bytes = s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** parse splits an .eml file into lower-cased headers and a decoded body. */
function parse(text) {
  const split = text.search(/\r?\n\r?\n/);
  const head = text.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  let body = text.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')) {
    body = decodeQuotedPrintable(body);
  }
  return { headers, body };
}

/** messagesTo returns the messages sent to address, oldest first. */
export async function messagesTo(address) {
  let names;
  try {
    names = (await readdir(outboxDir)).filter((n) => n.endsWith('.eml')).sort();
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  const out = [];
  for (const name of names) {
    const msg = parse(await readFile(join(outboxDir, name), 'utf8'));
    if ((msg.headers.to ?? '').toLowerCase().includes(address.toLowerCase())) {
      out.push({ file: name, ...msg });
    }
  }
  return out;
}

/**
 * nextCode waits (up to 5 s) for a message to address beyond the first
 * `seen` ones and returns the 6-digit code in it. Take `seen` with
 * countMessages before the action that sends the code.
 */
export async function nextCode(address, seen = 0) {
  for (let i = 0; i < 50; i++) {
    const msgs = await messagesTo(address);
    if (msgs.length > seen) {
      const msg = msgs[msgs.length - 1];
      const m = msg.body.match(/\b(\d{6})\b/);
      if (!m) throw new Error(`no 6-digit code in ${msg.file}: ${msg.body}`);
      return m[1];
    }
    await sleep(100);
  }
  throw new Error(`no new message to ${address} in ${outboxDir} (had ${seen})`);
}

/** countMessages is how many messages address has received so far. */
export async function countMessages(address) {
  return (await messagesTo(address)).length;
}
