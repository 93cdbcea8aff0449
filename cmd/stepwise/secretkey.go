package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
)

// secretKeyEnv names the environment variable holding the key that
// encrypts connections' secrets: the base64 of 32 random bytes.
const secretKeyEnv = "STEPWISE_SECRET_KEY"

const secretKeyUsage = "file holding the base64 of the 32-byte key that encrypts connections' secrets " +
	"(default: the " + secretKeyEnv + " variable; make one with: head -c 32 /dev/urandom | base64)"

// loadSecretKey reads the key from file, else from STEPWISE_SECRET_KEY;
// nil when neither is set.
func loadSecretKey(file string) ([]byte, error) {
	text, from := os.Getenv(secretKeyEnv), secretKeyEnv
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--secret-key-file: %w", err)
		}
		text, from = string(data), file
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	key, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%s: the secret key must be the base64 of 32 bytes (head -c 32 /dev/urandom | base64)", from)
	}
	return key, nil
}

// ephemeralKey returns a random key for dev, which says it is one.
func ephemeralKey() []byte {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic(err)
	}
	return key
}
