package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/stepwise-run/stepwise/activities"
)

// httpTaskFlags are the flags of the HTTP Task's egress policy, shared by
// serve, worker and dev.
type httpTaskFlags struct{ allow, deny string }

// addHTTPTaskFlags adds --http-allow and --http-deny to fs.
func addHTTPTaskFlags(fs *flag.FlagSet) *httpTaskFlags {
	var h httpTaskFlags
	fs.StringVar(&h.allow, "http-allow", "", "comma-separated hosts, *.suffixes, IPs or CIDR networks that HTTP Tasks may call even when denied "+
		"(loopback, link-local and cloud metadata addresses are denied unless listed here)")
	fs.StringVar(&h.deny, "http-deny", "", "comma-separated hosts, *.suffixes, IPs or CIDR networks that HTTP Tasks may not call")
	return &h
}

// register adds the HTTP Task function (arn:aws:states:::http:invoke) to
// reg, a new registry when reg is nil, with the flags' egress policy (the
// default policy when h is nil).
func (h *httpTaskFlags) register(reg *activities.Registry) (*activities.Registry, error) {
	if h == nil {
		h = &httpTaskFlags{}
	}
	policy := activities.EgressPolicy{Allow: splitList(h.allow), Deny: splitList(h.deny)}
	if err := policy.Validate(); err != nil {
		return nil, fmt.Errorf("--http-allow or --http-deny: %w", err)
	}
	if reg == nil {
		reg = activities.NewRegistry()
	}
	activities.RegisterHTTP(reg, &activities.HTTPConfig{Egress: policy})
	return reg, nil
}

// splitList splits a comma-separated flag value, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}
