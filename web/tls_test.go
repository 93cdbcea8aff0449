package web_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web"
)

func TestLoadCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, data, 0o600))
		return path
	}
	good := testkit.NewCertificate(t, time.Time{}, time.Time{})
	other := testkit.NewCertificate(t, time.Time{}, time.Time{})
	expired := testkit.NewCertificate(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	future := testkit.NewCertificate(t, time.Now().Add(24*time.Hour), time.Now().Add(48*time.Hour))
	cert, key := write("cert.pem", good.CertPEM), write("key.pem", good.KeyPEM)
	tests := []struct {
		name, cert, key, err string
	}{
		{"missing certificate", filepath.Join(dir, "none.pem"), key, "TLS certificate: open " + filepath.Join(dir, "none.pem") + ": no such file"},
		{"missing key", cert, filepath.Join(dir, "none.pem"), "TLS key: open " + filepath.Join(dir, "none.pem") + ": no such file"},
		{"not PEM", write("junk.pem", []byte("junk")), key, "junk.pem with key " + key + ": tls: failed to find any PEM data in certificate input"},
		{"files swapped", key, cert, "PEM inputs may have been switched"},
		{"key of another certificate", cert, write("other.key", other.KeyPEM), "private key does not match public key"},
		{"expired", write("expired.pem", expired.CertPEM), write("expired.key", expired.KeyPEM), "expired.pem expired at "},
		{"not yet valid", write("future.pem", future.CertPEM), write("future.key", future.KeyPEM), "future.pem is not valid before "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := web.LoadCertificate(tt.cert, tt.key)
			require.ErrorContains(t, err, tt.err)
		})
	}

	// The subtests run after this: reload other files.
	cert, key = write("reloaded.pem", good.CertPEM), write("reloaded.key", good.KeyPEM)
	c, err := web.LoadCertificate(cert, key)
	require.NoError(t, err)
	require.Equal(t, cert+" and "+key, c.Files())
	cfg := c.TLSConfig()
	require.EqualValues(t, 0x0303, cfg.MinVersion, "TLS 1.2 at least")
	served := func() string {
		pair, err := cfg.GetCertificate(nil)
		require.NoError(t, err)
		return pair.Leaf.SerialNumber.String()
	}
	require.Equal(t, good.Cert.SerialNumber.String(), served())

	require.NoError(t, os.WriteFile(key, other.KeyPEM, 0o600)) // a half-written swap
	require.ErrorContains(t, c.Reload(), "private key does not match public key")
	require.Equal(t, good.Cert.SerialNumber.String(), served(), "a bad pair keeps the one in use")
	require.NoError(t, os.WriteFile(cert, other.CertPEM, 0o600))
	require.NoError(t, c.Reload())
	require.Equal(t, other.Cert.SerialNumber.String(), served())
}
