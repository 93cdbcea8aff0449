// Package s3test starts an S3 protocol server in the test's process
// (gofakes3, in memory) and gives clients of it, for the tests of
// Distributed Map's ItemReader and ResultWriter.
package s3test

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/itemio"
)

// Bucket is the bucket Start creates.
const Bucket = "data"

// Server is a running S3 protocol server.
type Server struct {
	// Config is how an operator would point Stepwise at it.
	Config itemio.StoreConfig
	// Client is a client of it, made by itemio.NewStore from Config.
	Client *s3.Client
}

// Start starts a server for the test, stopped when the test ends, with
// Bucket created.
func Start(t testing.TB) *Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(gofakes3.New(s3mem.New()).Server())
	// A reader that stops reading an object early (a Map run reads only
	// as far as its concurrency allows) closes the connection under the
	// server's response: it logs that, and nothing is wrong.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	s := &Server{Config: itemio.StoreConfig{Endpoint: srv.URL, Region: "us-east-1", AccessKeyID: "test",
		SecretAccessKey: "test", PathStyle: true}}
	var err error
	s.Client, err = itemio.NewStore(context.Background(), &s.Config)
	require.NoError(t, err)
	_, err = s.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(Bucket)})
	require.NoError(t, err)
	return s
}

// Put stores body at key in Bucket.
func (s *Server) Put(t testing.TB, key string, body []byte) {
	t.Helper()
	_, err := s.Client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(Bucket), Key: aws.String(key), Body: bytes.NewReader(body),
	})
	require.NoError(t, err)
}

// Get reads the object at key in Bucket.
func (s *Server) Get(t testing.TB, key string) []byte {
	t.Helper()
	out, err := s.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(Bucket), Key: aws.String(key)})
	require.NoError(t, err)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return b
}
