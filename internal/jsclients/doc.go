// Package jsclients holds the test that drives a real `cognate serve`
// process with the real, unmodified JavaScript SDKs: amazon-cognito-identity-js,
// Amplify v6 and the AWS SDK for JavaScript v3 (the Node package in
// clients/js, run with `node --test`).
//
// The test builds cmd/cognate, starts it on a free loopback port with a
// fresh data directory, reads the endpoint and the generated root
// credentials from its banner, installs the pinned packages with `npm ci`
// (skipped when node_modules already matches package-lock.json), and runs
// the Node tests against the server. Without npm on PATH it skips, unless
// COGNATE_TEST_JS=1, which makes that a failure (CI sets it).
package jsclients
