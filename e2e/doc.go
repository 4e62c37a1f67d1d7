// Package e2e holds end-to-end tests that drive the framework's pages and services from
// outside: in a real headless Chromium, and with the official OpenRPC JavaScript tooling
// (npm packages under clientjs/ and schemautils/). It is its own module so that browser
// tooling never reaches the framework's go.mod.
package e2e
