package intrinsic

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// maxEncodeLength is the most characters States.Base64Encode,
// States.Base64Decode and States.Hash accept.
const maxEncodeLength = 10000

// hashes are the algorithms of States.Hash, by the exact names AWS accepts.
var hashes = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

// base64Encode encodes the UTF-8 bytes of a string in standard Base64 with
// padding.
func base64Encode(c *Call, _ *Env, args []any) (any, error) {
	s := args[0].(string)
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

// base64Decode decodes Base64 text into a string. Like AWS it is lenient:
// characters outside the Base64 alphabet are skipped, decoding stops at the
// first '=', and padding is optional. Bytes that are not UTF-8 become
// U+FFFD.
func base64Decode(c *Call, _ *Env, args []any) (any, error) {
	s := args[0].(string)
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s) && s[i] != '='; i++ {
		if b := s[i]; isLetter(b) || isDigit(b) || b == '+' || b == '/' {
			clean = append(clean, b)
		}
	}
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1] // a lone character carries no whole byte
	}
	out, err := base64.RawStdEncoding.DecodeString(string(clean))
	if err != nil {
		return nil, invalid(c.fn.name, "the first argument is not Base64: %v", err)
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), nil
}

// hashDigest returns the hexadecimal digest of the data with the named algorithm.
// Data that is not a string is hashed as its JSON text, as AWS accepts it.
func hashDigest(c *Call, _ *Env, args []any) (any, error) {
	data, ok := args[0].(string)
	if !ok {
		data = jsonvalue.String(args[0])
	}
	if n := javaLength(data); n > maxEncodeLength {
		return nil, invalid(c.fn.name, "the data has %d characters, more than the limit of %d", n, maxEncodeLength)
	}
	name, err := c.stringArg(args, 1)
	if err != nil {
		return nil, err
	}
	newHash := hashes[name]
	if newHash == nil {
		return nil, invalid(c.fn.name, "the algorithm %q is not one of MD5, SHA-1, SHA-256, SHA-384 and SHA-512", name)
	}
	h := newHash()
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}
