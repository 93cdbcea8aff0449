package itemio_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/itemio"
)

// fakeStore starts an in-memory S3 protocol server for the test and
// returns a client of it, made by NewStore as an operator's would be,
// with bucket "data" created.
func fakeStore(t testing.TB) *s3.Client {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	client, err := itemio.NewStore(context.Background(), &itemio.StoreConfig{
		Endpoint: srv.URL, Region: "us-east-1", AccessKeyID: "test", SecretAccessKey: "test", PathStyle: true,
	})
	require.NoError(t, err)
	_, err = client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("data")})
	require.NoError(t, err)
	return client
}

func put(t testing.TB, store *s3.Client, key string, body []byte) {
	t.Helper()
	_, err := store.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("data"), Key: aws.String(key), Body: bytes.NewReader(body),
	})
	require.NoError(t, err)
}

func get(t testing.TB, store *s3.Client, key string) []byte {
	t.Helper()
	out, err := store.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String(key)})
	require.NoError(t, err)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return b
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
