// Package testkit is Stepwise's one test kit, shared by every package's
// tests:
//
//   - NewDatabase and NewPool give each test its own PostgreSQL database,
//     cloned from a template migrated once per test binary. The server is
//     the one in STEPWISE_TEST_DATABASE_URL, or the local one on
//     127.0.0.1:5432. Call DropTemplate from TestMain after m.Run.
//   - Example returns an example state machine's definition or input.
//   - Corpus returns the path of the conformance corpus (../shared beside
//     the repository).
//   - SyncBuffer is a buffer safe for concurrent writes, for logs.
//   - NewCertificate makes a self-signed TLS certificate for localhost,
//     CertPool a client's trust in it.
//
// Starting an engine on a fresh database lives in testkit/testengine,
// apart, because the engine's own dependencies (asl, store, activities)
// use this package in their tests.
package testkit
