// The relying party the managed pages send the browser back to,
// http://rp.test: an HTTP server on a loopback port, which Chromium reaches
// through --host-resolver-rules. (Playwright's page.route is not called for
// the later hops of a redirect chain, so a server's 302 to rp.test went to
// DNS now and then and failed with net::ERR_NAME_NOT_RESOLVED.)

import { createServer } from 'node:http';

// launchWithRP starts the relying party and a headless Chromium that
// resolves rp.test to it. close stops both.
export async function launchWithRP(chromium, executablePath) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>callback</title><main>ok</main></html>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const rules = `--host-resolver-rules=MAP rp.test 127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', rules] });
  const close = async () => {
    await browser.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { browser, close };
}
