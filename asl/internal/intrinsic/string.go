package intrinsic

import (
	"encoding/hex"
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/failure"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// format replaces the {} placeholders of the template in its first argument
// with the other arguments, which must be as many as the placeholders.
func format(c *Call, _ *Env, args []any) (any, error) {
	t, err := c.template(args)
	if err != nil {
		return nil, err
	}
	if n := len(args) - 1; n != t.placeholders() {
		return nil, invalid(c.fn.name, "the number of arguments after the template (%d) does not match the number of {} placeholders (%d)", n, t.placeholders())
	}
	if jsonvalue.Over(args[1:], maxResultSize) { // before rendering it
		return nil, tooLarge(c.fn.name)
	}
	return t.render(args[1:]), nil
}

// template returns the parsed template of a States.Format call: the one
// parsed with the call for a literal, or the first argument parsed now.
func (c *Call) template(args []any) (*template, error) {
	if c.tmplErr != nil {
		return nil, invalid(c.fn.name, "%v", c.tmplErr)
	}
	if c.tmpl != nil {
		return c.tmpl, nil
	}
	s, err := c.stringArg(args, 0)
	if err != nil {
		return nil, err
	}
	t, err := parseTemplate(s)
	if err != nil {
		return nil, invalid(c.fn.name, "%v", err)
	}
	return t, nil
}

// stringSplit splits a string at every character of the second argument,
// dropping empty pieces, as AWS (and Java's StringTokenizer) does.
func stringSplit(c *Call, _ *Env, args []any) (any, error) {
	s, delims := args[0].(string), args[1].(string)
	pieces := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delims, r) })
	out := make([]any, len(pieces))
	for i, p := range pieces {
		out[i] = p
	}
	return out, nil
}

// uuid returns a random (version 4) UUID drawn from Env.Rand.
func uuid(c *Call, env *Env, _ []any) (any, error) {
	if env.Rand == nil {
		return nil, failure.New(failure.Runtime, "%s has no source of randomness: Env.Rand is nil", c.fn.name)
	}
	var b [16]byte
	for i := range 2 {
		u := env.Rand.Uint64()
		for j := range 8 {
			b[i*8+j] = byte(u >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}
