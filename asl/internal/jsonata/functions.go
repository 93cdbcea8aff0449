package jsonata

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math/rand/v2"
)

// The Go side of AWS's extra functions, shared by both evaluators.

// errNoRandom fails $random and $uuid when the Env has no random source.
var errNoRandom = errors.New("no random source is available")

// randomFloat is $random(): the Env's random source.
func randomFloat(env *Env) (float64, error) {
	if env == nil || env.Rand == nil {
		return 0, errNoRandom
	}
	return env.Rand.Float64(), nil
}

// seededRandom is $random(seed): the same number for the same seed.
func seededRandom(seed int64) float64 {
	s := uint64(seed)
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15)).Float64()
}

// newUUID is $uuid(): a version 4 UUID from the Env's random source.
func newUUID(env *Env) (string, error) {
	if env == nil || env.Rand == nil {
		return "", errNoRandom
	}
	var b [16]byte
	for i := range b {
		b[i] = byte(env.Rand.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// hashHex is $hash(data, algorithm): the hex digest of data.
func hashHex(data, algorithm string) (string, error) {
	var h hash.Hash
	switch algorithm {
	case "MD5":
		h = md5.New()
	case "SHA-1":
		h = sha1.New()
	case "SHA-256":
		h = sha256.New()
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		return "", fmt.Errorf("the hash algorithm %q is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512", algorithm)
	}
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}
