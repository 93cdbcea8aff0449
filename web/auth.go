package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/stepwise-run/stepwise/web/internal/auth"
	"github.com/stepwise-run/stepwise/web/sfn"
)

// Scope is what an API key may do: ScopeRead or ScopeAdmin.
type Scope string

// The scopes of an API key.
const (
	// ScopeAdmin may make every request.
	ScopeAdmin Scope = "admin"
	// ScopeRead may make the GET requests of the REST API (and validate
	// definitions), scrape /metrics and call the AWS read operations:
	// Describe*, List*, GetExecutionHistory and
	// ValidateStateMachineDefinition.
	ScopeRead Scope = "read"
)

// Key is one API key, as an entry of the keys file: its ID is also the
// AWS access key id that SigV4-signed requests name, its Secret the
// bearer token of REST requests.
type Key struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
	Scope  Scope  `json:"scope"`
}

// minSecretLength is the shortest secret a keys file may hold.
const minSecretLength = 16

// Errors of authentication, which Keys.Authorize returns (see
// web/internal/auth, whose middleware answers them).
var (
	errMissingKey = auth.ErrMissingKey
	errUnknownKey = auth.ErrUnknownKey
)

// Keys is a set of API keys, read from a keys file; its Authorize method
// is a Config.Authorize. It is immutable and safe for concurrent use.
type Keys struct {
	keys []Key
	byID map[string]Key
	// hashes holds the SHA-256 of each key's secret, in keys' order, so
	// that a presented secret is compared in constant time whatever its
	// length.
	hashes [][sha256.Size]byte
}

// ParseKeys reads a keys file's content: a JSON array of {"id", "secret",
// "scope"} objects. It refuses an empty list, an entry without an id or
// with a secret shorter than 16 characters, an unknown scope and a
// repeated id or secret.
func ParseKeys(data []byte) (*Keys, error) {
	var list []Key
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("API keys: want a JSON array of {\"id\", \"secret\", \"scope\"}: %w", err)
	}
	if len(list) == 0 {
		return nil, errors.New("API keys: the list is empty")
	}
	k := &Keys{keys: list, byID: make(map[string]Key, len(list))}
	secrets := map[string]bool{}
	for i, key := range list {
		switch {
		case key.ID == "":
			return nil, fmt.Errorf("API keys: entry %d has no id", i)
		case len(key.Secret) < minSecretLength:
			return nil, fmt.Errorf("API keys: key %s: the secret must have at least %d characters", key.ID, minSecretLength)
		case key.Scope != ScopeAdmin && key.Scope != ScopeRead:
			return nil, fmt.Errorf("API keys: key %s: scope %q is neither %q nor %q", key.ID, key.Scope, ScopeAdmin, ScopeRead)
		}
		if _, dup := k.byID[key.ID]; dup {
			return nil, fmt.Errorf("API keys: id %s appears twice", key.ID)
		}
		if secrets[key.Secret] {
			return nil, fmt.Errorf("API keys: key %s has the secret of another key", key.ID)
		}
		secrets[key.Secret] = true
		k.byID[key.ID] = key
		k.hashes = append(k.hashes, sha256.Sum256([]byte(key.Secret)))
	}
	return k, nil
}

// LoadKeys reads the keys file at path (see ParseKeys).
func LoadKeys(path string) (*Keys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("API keys: %w", err)
	}
	k, err := ParseKeys(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// Len returns the number of keys.
func (k *Keys) Len() int { return len(k.keys) }

// GenerateKey returns a new random key of scope: an id of AKIA and 16
// base32 characters, like an AWS access key id, and a secret of 40
// URL-safe base64 characters (240 random bits).
func GenerateKey(scope Scope) (Key, error) {
	if scope != ScopeAdmin && scope != ScopeRead {
		return Key{}, fmt.Errorf("scope %q is neither %q nor %q", scope, ScopeAdmin, ScopeRead)
	}
	id := make([]byte, 10)
	secret := make([]byte, 30)
	if _, err := rand.Read(id); err != nil {
		return Key{}, err
	}
	if _, err := rand.Read(secret); err != nil {
		return Key{}, err
	}
	return Key{
		ID:     "AKIA" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(id),
		Secret: base64.RawURLEncoding.EncodeToString(secret),
		Scope:  scope,
	}, nil
}

// Authorize decides a request, as a Config.Authorize: it returns nil when
// the request needs no key or carries a key of sufficient scope, an error
// wrapping ErrForbidden when the key's scope is read and the request
// needs admin, and another error when the key is missing or unknown.
//
// Task callbacks (/v1/tasks/* and the AWS SendTask* operations) are
// authorised by their task token and need no key, nor do /healthz and
// /readyz. A key is sent as "Authorization: Bearer SECRET" or, by the AWS
// SDKs, as the access key id in the Credential of an AWS4-HMAC-SHA256
// Authorization header; that header's signature is not verified.
func (k *Keys) Authorize(r *http.Request) error {
	need, ok := requiredScope(r)
	if !ok {
		return nil
	}
	key, err := k.authenticate(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	if need == ScopeAdmin && key.Scope != ScopeAdmin {
		return fmt.Errorf("%w: API key %s has scope %s; this request needs scope %s", ErrForbidden, key.ID, key.Scope, ScopeAdmin)
	}
	return nil
}

// authenticate finds the key of an Authorization header.
func (k *Keys) authenticate(header string) (Key, error) {
	if strings.TrimSpace(header) == "" {
		return Key{}, errMissingKey
	}
	scheme, rest, _ := strings.Cut(strings.TrimSpace(header), " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		sum := sha256.Sum256([]byte(strings.TrimSpace(rest)))
		found := -1
		for i := range k.hashes { // no early exit: every key costs the same
			if subtle.ConstantTimeCompare(sum[:], k.hashes[i][:]) == 1 {
				found = i
			}
		}
		if found < 0 {
			return Key{}, fmt.Errorf("%w: no configured key has this secret", errUnknownKey)
		}
		return k.keys[found], nil
	case scheme == "AWS4-HMAC-SHA256":
		id := sigV4AccessKeyID(rest)
		if id == "" {
			return Key{}, fmt.Errorf("%w: the AWS4-HMAC-SHA256 Authorization header has no Credential", errUnknownKey)
		}
		key, ok := k.byID[id]
		if !ok {
			return Key{}, fmt.Errorf("%w: access key id %s is not configured", errUnknownKey, id)
		}
		return key, nil
	}
	return Key{}, fmt.Errorf("%w: unsupported Authorization scheme %q; use Bearer", errUnknownKey, scheme)
}

// sigV4AccessKeyID returns the access key id of the parameters of an
// AWS4-HMAC-SHA256 Authorization header ("Credential=ID/DATE/REGION/
// SERVICE/aws4_request, SignedHeaders=…, Signature=…"), or "".
func sigV4AccessKeyID(params string) string {
	for _, p := range strings.Split(params, ",") {
		if cred, ok := strings.CutPrefix(strings.TrimSpace(p), "Credential="); ok {
			id, _, _ := strings.Cut(cred, "/")
			return id
		}
	}
	return ""
}

// requiredScope returns the scope a request needs; ok is false when it
// needs no key at all.
func requiredScope(r *http.Request) (scope Scope, ok bool) {
	path := r.URL.Path
	switch {
	case path == "/healthz" || path == "/readyz":
		return "", false
	case strings.HasPrefix(path, "/v1/tasks/"):
		return "", false
	case path == "/" && r.Method == http.MethodPost:
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), sfn.TargetPrefix)
		switch {
		case sfn.CallbackOperation(op):
			return "", false
		case sfn.ReadOperation(op):
			return ScopeRead, true
		}
		return ScopeAdmin, true
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		return ScopeRead, true
	case r.Method == http.MethodPost && path == "/v1/state-machines/validate":
		return ScopeRead, true
	}
	return ScopeAdmin, true
}
