package itemio_test

import (
	"bytes"
	"compress/gzip"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stepwise-run/stepwise/internal/testkit/s3test"
	"github.com/stretchr/testify/require"
)

// fakeStore starts an in-memory S3 protocol server for the test and
// returns a client of it, made by NewStore as an operator's would be,
// with bucket "data" created.
func fakeStore(t testing.TB) *s3.Client { return s3test.Start(t).Client }

func put(t testing.TB, store *s3.Client, key string, body []byte) {
	t.Helper()
	(&s3test.Server{Client: store}).Put(t, key, body)
}

func get(t testing.TB, store *s3.Client, key string) []byte {
	t.Helper()
	return (&s3test.Server{Client: store}).Get(t, key)
}

func gzipped(t testing.TB, data string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write([]byte(data))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}
