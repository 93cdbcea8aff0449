// Package viewer is Stepwise's web execution viewer: a single-page
// application (ui/src, bundled by `npm run build` in ui/ into ui/dist,
// which is committed and embedded, so `go build` needs no Node.js) served
// under /ui/, and the read endpoints and live stream it uses under /v1.
//
// Files:
//
//   - viewer.go: the pages, with a strict Content-Security-Policy;
//   - api.go: Register, and the read endpoints (summary, filtered events,
//     one state's visits, one Map iteration), which hide task tokens from
//     keys that may not answer tasks;
//   - model.go: the summary of an execution replayed from its history;
//   - express.go: an Express execution's summary, the same summary
//     replayed from its log records (Express executions are never
//     stored), read by the UI's Express pages (ui/src/express.js);
//   - stream.go: Server-Sent Events of an execution's progress.
//
// The endpoints sit beside the REST API, behind the same middleware, and
// use its request helpers and views (web/rest).
package viewer
