// Package secret encrypts values at rest with AES-256-GCM under the
// operator's key, and names the key by a fingerprint so that a value
// sealed under another key is reported as such rather than decrypted into
// garbage (GCM's authentication would refuse it anyway, without saying
// why).
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// KeySize is the size of a key: 32 bytes, for AES-256.
const KeySize = 32

// ErrWrongKey is returned by Open for a value sealed under another key.
var ErrWrongKey = errors.New("sealed under another key")

// Key seals and opens values.
type Key struct {
	aead cipher.AEAD
	id   string
}

// NewKey returns the key of raw, which must be KeySize bytes.
func NewKey(raw []byte) (*Key, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("the secret key must be %d bytes, not %d", KeySize, len(raw))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Key{aead: aead, id: fingerprint(raw)}, nil
}

// fingerprint names a key without revealing it: the first 8 bytes of a
// SHA-256 of a label and the key, in hex.
func fingerprint(raw []byte) string {
	sum := sha256.Sum256(append([]byte("stepwise secret key\x00"), raw...))
	return hex.EncodeToString(sum[:8])
}

// ID is the key's fingerprint, stored next to what it seals.
func (k *Key) ID() string { return k.id }

// Seal encrypts plaintext bound to context (which must be given again to
// Open): a random nonce followed by the ciphertext and its tag.
func (k *Key) Seal(plaintext, context []byte) []byte {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("secret: no randomness: " + err.Error())
	}
	return k.aead.Seal(nonce, nonce, plaintext, context)
}

// Open decrypts what Seal made of a value under the key keyID with
// context; ErrWrongKey when keyID is not this key's.
func (k *Key) Open(sealed []byte, keyID string, context []byte) ([]byte, error) {
	if keyID != k.id {
		return nil, fmt.Errorf("%w %s, and the configured key is %s", ErrWrongKey, keyID, k.id)
	}
	n := k.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sealed value too short")
	}
	plain, err := k.aead.Open(nil, sealed[:n], sealed[n:], context)
	if err != nil {
		return nil, fmt.Errorf("sealed value does not authenticate: %w", err)
	}
	return plain, nil
}
