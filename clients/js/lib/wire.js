// A recorder of what the browser SDKs send. amazon-cognito-identity-js and
// Amplify v6 both call the global fetch, so wrapping it shows every
// operation they made and what the server answered, without touching the
// SDKs. (The AWS SDK v3 clients used for set-up use node:http and are not
// recorded.)

const calls = [];
const realFetch = globalThis.fetch;

globalThis.fetch = async function recordingFetch(input, init = {}) {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  const target = headers.get('x-amz-target') ?? '';
  let request;
  try { request = typeof init.body === 'string' ? JSON.parse(init.body) : undefined; } catch { request = init.body; }
  const call = {
    target, op: target.split('.').pop(), headers: [...headers.keys()], request, status: 0, response: undefined,
  };
  calls.push(call);
  const resp = await realFetch(input, init);
  call.status = resp.status;
  try { call.response = await resp.clone().json(); } catch { call.response = undefined; }
  return resp;
};

/**
 * watch starts a recording: its `calls` are the requests made since, each
 * { target, op, headers (names, lower case), request, status, response },
 * and `ops` their operation names.
 */
export function watch() {
  const start = calls.length;
  return {
    get calls() { return calls.slice(start); },
    get ops() { return calls.slice(start).map((c) => c.op); },
    /** last returns the most recent call of operation op. */
    last(op) { return calls.slice(start).filter((c) => c.op === op).pop(); },
  };
}
