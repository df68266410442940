// Bundles src/app.js into dist/app.js for the browser. The bundle is
// committed so that `go run ./examples/private-folders` needs no build;
// the browser test checks that it is what this script makes.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/app.js'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  legalComments: 'none',
  outfile: process.argv[2] || 'dist/app.js',
  logLevel: 'warning',
});
