package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
)

// httpTaskFlags are the flags of the HTTP Task, shared by serve, worker
// and dev: its egress policy and the key of its connections.
type httpTaskFlags struct{ allow, deny, keyFile string }

// addHTTPTaskFlags adds --http-allow, --http-deny and --secret-key-file
// to fs.
func addHTTPTaskFlags(fs *flag.FlagSet) *httpTaskFlags {
	var h httpTaskFlags
	fs.StringVar(&h.allow, "http-allow", "", "comma-separated hosts, *.suffixes, IPs or CIDR networks that HTTP Tasks may call even when denied "+
		"(loopback, link-local and cloud metadata addresses are denied unless listed here)")
	fs.StringVar(&h.deny, "http-deny", "", "comma-separated hosts, *.suffixes, IPs or CIDR networks that HTTP Tasks may not call")
	fs.StringVar(&h.keyFile, "secret-key-file", "", secretKeyUsage)
	return &h
}

// httpTasks is what the HTTP Task flags say, checked: the egress policy
// and the key of connections (nil: none).
type httpTasks struct {
	policy activities.EgressPolicy
	key    []byte
}

// check validates the egress policy and reads the key of
// --secret-key-file or STEPWISE_SECRET_KEY, before anything starts; a nil
// h means the default policy.
func (h *httpTaskFlags) check() (*httpTasks, error) {
	if h == nil {
		h = &httpTaskFlags{}
	}
	policy := activities.EgressPolicy{Allow: splitList(h.allow), Deny: splitList(h.deny)}
	if err := policy.Validate(); err != nil {
		return nil, fmt.Errorf("--http-allow or --http-deny: %w", err)
	}
	key, err := loadSecretKey(h.keyFile)
	if err != nil {
		return nil, err
	}
	return &httpTasks{policy: policy, key: key}, nil
}

// register adds the HTTP Task function (arn:aws:states:::http:invoke) to
// reg, a new registry when reg is nil, with the egress policy and the
// connections stored in the database of pool.
func (t *httpTasks) register(reg *activities.Registry, pool *pgxpool.Pool) (*activities.Registry, error) {
	conns, err := engine.NewConnections(pool, t.key)
	if err != nil {
		return nil, err
	}
	if reg == nil {
		reg = activities.NewRegistry()
	}
	activities.RegisterHTTP(reg, &activities.HTTPConfig{Egress: t.policy, Connections: conns})
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
