// The server under test, from the environment the Go harness (or a
// developer, see README.md) sets:
//
//   COGNATE_ENDPOINT       base URL of a running `cognate serve`
//   AWS_ACCESS_KEY_ID      root credentials (they sign admin calls)
//   AWS_SECRET_ACCESS_KEY
//   AWS_REGION             region of the pools the tests create (us-east-1)
//   COGNATE_OUTBOX         the server's development outbox directory
//                          (<data-dir>/outbox), where codes arrive as .eml
//   COGNATE_ACCOUNT_ID     the server's --account-id (000000000000)
//   COGNATE_S3_GATEWAY     the server's S3 gateway (--s3-gateway-listen),
//                          when it runs one; the gateway tests skip without

// The AWS SDK v3 warns once per process that it will need Node.js 22 in
// 2027; the machines here run Node.js 20, which the pinned versions support.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function required(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run these tests through the Go harness ` +
      `(go test ./internal/jsclients) or see clients/js/README.md`);
  }
  return v;
}

export const endpoint = required('COGNATE_ENDPOINT').replace(/\/+$/, '');
export const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
export const credentials = {
  accessKeyId: required('AWS_ACCESS_KEY_ID'),
  secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
};
export const outboxDir = required('COGNATE_OUTBOX');
export const accountId = process.env.COGNATE_ACCOUNT_ID || '000000000000';
export const s3Gateway = process.env.COGNATE_S3_GATEWAY || '';
