package activities

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// EgressPolicy says which destinations the http:invoke function may call.
// Entries of Allow and Deny are host names ("api.example.com"), host name
// suffixes ("*.example.com", which matches subdomains only), IP addresses
// ("10.0.0.7", "fd00::1") or CIDR networks ("10.0.0.0/8", "fd00::/8").
//
// Host name entries are checked against the name in the URL (of the
// request and of every redirect) before anything is dialled. Address and
// network entries are checked against the IP address actually dialled,
// after DNS resolution, from the net.Dialer's Control hook: a name that
// resolves, or later re-resolves (DNS rebinding), to a denied address is
// refused all the same.
//
// For an address the rules apply in this order: an Allow entry matching
// it permits it; otherwise a Deny entry matching it refuses it; otherwise
// the built-in denials below refuse it; otherwise it is permitted. So
// Deny "0.0.0.0/0" and "::/0" with a few Allow networks is an allow list.
// A host name is refused when it matches a Deny entry or a built-in
// denied name and no Allow entry.
//
// Built-in denials (lifted only by a matching Allow entry):
//   - cloud metadata services: 169.254.169.254 and fd00:ec2::254 (AWS EC2,
//     also GCP and Azure), 169.254.170.2 (AWS ECS task metadata),
//     169.254.170.23 and fd00:ec2::23 (EKS Pod Identity), 100.100.100.200
//     (Alibaba Cloud), 192.0.0.192 (Oracle Cloud), and the names
//     metadata.google.internal, metadata.goog, metadata and
//     instance-data.ec2.internal;
//   - loopback (127.0.0.0/8, ::1), link-local (169.254.0.0/16, fe80::/10)
//     and unspecified (0.0.0.0, ::) addresses, which reach the worker's own
//     host rather than an API.
//
// Private networks (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7)
// are permitted by default, so workers can call internal services; deny
// them when the worker must only reach the internet. The zero
// EgressPolicy has only the built-in denials.
type EgressPolicy struct {
	// Allow lists destinations permitted even when Deny or a built-in
	// denial matches them.
	Allow []string
	// Deny lists destinations refused unless Allow matches them.
	Deny []string
}

// builtinDeniedNetworks are refused unless explicitly allowed.
var builtinDeniedNetworks = []string{
	"169.254.169.254/32", "fd00:ec2::254/128", "169.254.170.2/32",
	"169.254.170.23/32", "fd00:ec2::23/128", "100.100.100.200/32", "192.0.0.192/32",
	"127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10", "0.0.0.0/32", "::/128",
}

// builtinDeniedHosts are metadata service names refused unless explicitly
// allowed.
var builtinDeniedHosts = []string{
	"metadata.google.internal", "metadata.goog", "metadata", "instance-data.ec2.internal",
}

// egressRules is an EgressPolicy parsed for checking.
type egressRules struct {
	allowHosts, denyHosts        []string
	allowNets, denyNets, builtin []netip.Prefix
	builtinHosts                 []string
}

// Validate reports the first entry of Allow or Deny that is not a host
// name, *.suffix, IP address or CIDR network.
func (p EgressPolicy) Validate() error {
	_, err := p.compile()
	return err
}

// compile parses the policy; an entry that is neither a host name, an
// address nor a network is an error.
func (p EgressPolicy) compile() (*egressRules, error) {
	r := &egressRules{builtinHosts: builtinDeniedHosts}
	for _, s := range builtinDeniedNetworks {
		r.builtin = append(r.builtin, netip.MustParsePrefix(s))
	}
	add := func(list string, entries []string, hosts *[]string, nets *[]netip.Prefix) error {
		for _, e := range entries {
			e = strings.TrimSpace(e)
			if prefix, ok, err := parseNetwork(e); err != nil {
				return fmt.Errorf("EgressPolicy.%s entry %q: %v", list, e, err)
			} else if ok {
				*nets = append(*nets, prefix)
				continue
			}
			host := strings.ToLower(strings.TrimSuffix(e, "."))
			if !validHostPattern(host) {
				return fmt.Errorf("EgressPolicy.%s entry %q is neither a host name, *.suffix, IP address nor CIDR network", list, e)
			}
			*hosts = append(*hosts, host)
		}
		return nil
	}
	if err := add("Allow", p.Allow, &r.allowHosts, &r.allowNets); err != nil {
		return nil, err
	}
	if err := add("Deny", p.Deny, &r.denyHosts, &r.denyNets); err != nil {
		return nil, err
	}
	return r, nil
}

// parseNetwork reads an IP address or CIDR network; ok is false when s is
// neither (it may be a host name).
func parseNetwork(s string) (netip.Prefix, bool, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false, err
		}
		return normalizePrefix(p), true, nil
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true, nil
	}
	return netip.Prefix{}, false, nil
}

func normalizePrefix(p netip.Prefix) netip.Prefix {
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		return netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96).Masked()
	}
	return p.Masked()
}

// validHostPattern accepts host names and *.suffix patterns.
func validHostPattern(h string) bool {
	h = strings.TrimPrefix(h, "*.")
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func hostMatches(patterns []string, host string) bool {
	for _, p := range patterns {
		if suffix, ok := strings.CutPrefix(p, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return true
			}
		} else if host == p {
			return true
		}
	}
	return false
}

func netsContain(nets []netip.Prefix, a netip.Addr) bool {
	for _, p := range nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// checkHost refuses a URL host name that the policy denies. IP literals
// are left to checkAddr at dial time.
func (r *egressRules) checkHost(host string) error {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return nil
	}
	if hostMatches(r.allowHosts, host) {
		return nil
	}
	if hostMatches(r.denyHosts, host) {
		return &egressError{target: host, reason: "the host is in EgressPolicy.Deny"}
	}
	if hostMatches(r.builtinHosts, host) {
		return &egressError{target: host, reason: "it is a cloud metadata service, denied unless EgressPolicy.Allow lists it"}
	}
	return nil
}

// checkAddr refuses a dialled address that the policy denies.
func (r *egressRules) checkAddr(a netip.Addr) error {
	a = a.Unmap()
	switch {
	case netsContain(r.allowNets, a):
		return nil
	case netsContain(r.denyNets, a):
		return &egressError{target: a.String(), reason: "the address is in a network of EgressPolicy.Deny"}
	case netsContain(r.builtin, a):
		return &egressError{target: a.String(), reason: "it is a cloud metadata, loopback, link-local or unspecified address, denied unless EgressPolicy.Allow lists it"}
	}
	return nil
}

// control is the net.Dialer Control hook: address is the resolved
// "ip:port" about to be connected.
func (r *egressRules) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &egressError{target: address, reason: "the dialled address is not an IP address"}
	}
	return r.checkAddr(ap.Addr())
}

// dialer returns a DialContext function that checks every address it
// connects to.
func (r *egressRules) dialer(base *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := *base
	inner := d.Control
	d.Control = func(network, address string, c syscall.RawConn) error {
		if err := r.control(network, address, c); err != nil {
			return err
		}
		if inner != nil {
			return inner(network, address, c)
		}
		return nil
	}
	return d.DialContext
}

// egressError is a destination refused by the EgressPolicy.
type egressError struct {
	target, reason string
}

func (e *egressError) Error() string {
	return fmt.Sprintf("egress policy refuses %s: %s", e.target, e.reason)
}
