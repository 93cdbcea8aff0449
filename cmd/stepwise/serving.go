package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/web"
)

// servingFlags are the flags of serve and dev that say how the HTTP API is
// served: over TLS, to browser pages of which origins (CORS), and whether
// API keys may cross plain HTTP (which sets auth.plainHTTPKeys).
type servingFlags struct {
	tlsCert, tlsKey string
	cors            []string
	// admission control (engine.Config.MaxInflightStarts and
	// MaxCommitLatency)
	maxInflightStarts int
	maxCommitLatency  time.Duration
}

// addServingFlags adds --tls-cert, --tls-key, --insecure-plain-http-keys
// --cors-origin, --max-inflight-starts and --max-commit-latency to fs.
func addServingFlags(fs *flag.FlagSet, auth *authSettings) *servingFlags {
	f := &servingFlags{}
	fs.IntVar(&f.maxInflightStarts, "max-inflight-starts", 0, "answer a start or task callback ThrottlingException (REST: 429 with Retry-After) "+
		"while `N` are in progress; 0 (the default) admits every one")
	fs.DurationVar(&f.maxCommitLatency, "max-commit-latency", 0, "answer starts and task callbacks ThrottlingException (REST: 429) "+
		"while the 95th percentile of the last second's commits takes longer than `DURATION`; 0 (the default) never")
	fs.StringVar(&f.tlsCert, "tls-cert", "", "serve the HTTP API over TLS (HTTPS, TLS 1.2 or later) with the PEM certificate chain in `FILE`; "+
		"needs --tls-key; both are reloaded on SIGHUP")
	fs.StringVar(&f.tlsKey, "tls-key", "", "the PEM private key `FILE` of --tls-cert")
	fs.BoolVar(&auth.plainHTTPKeys, "insecure-plain-http-keys", false, "accept API keys over plain HTTP on a --listen address that is not loopback "+
		"(a TLS proxy on a trusted network in front); without TLS that is refused otherwise")
	fs.Func("cors-origin", "let browser pages from `ORIGIN` (scheme://host[:port], or * for any) call the REST API and the AWS protocol endpoint "+
		"(repeatable, or comma-separated); off by default", func(v string) error {
		f.cors = append(f.cors, v)
		return nil
	})
	return f
}

// tls reports whether the flags ask for TLS.
func (f *servingFlags) tls() bool { return f.tlsCert != "" || f.tlsKey != "" }

// admission sets the admission control limits of cfg; nil flags set
// none.
func (f *servingFlags) admission(cfg *engine.Config) error {
	if f == nil {
		return nil
	}
	if f.maxInflightStarts < 0 || f.maxCommitLatency < 0 {
		return errors.New("--max-inflight-starts and --max-commit-latency take 0 (no limit) or more")
	}
	cfg.MaxInflightStarts, cfg.MaxCommitLatency = f.maxInflightStarts, f.maxCommitLatency
	return nil
}

// apply checks the flags and sets the TLS certificate and the CORS
// origins of o; SIGHUP (hup) reloads the certificate until ctx ends.
func (f *servingFlags) apply(ctx context.Context, o *apiOptions, hup *hangup) error {
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together: give both or neither")
	}
	origins, err := web.ParseCORSOrigins(f.cors)
	if err != nil {
		return fmt.Errorf("--cors-origin: %w", err)
	}
	o.cors = origins
	if f.tlsCert == "" {
		return nil
	}
	cert, err := web.LoadCertificate(f.tlsCert, f.tlsKey)
	if err != nil {
		return err
	}
	o.tls = cert
	hup.add(ctx, reloader{what: "TLS certificate", files: cert.Files(), reload: cert.Reload})
	return nil
}
