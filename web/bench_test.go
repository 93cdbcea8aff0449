package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web"
)

// benchServer is a driving engine and its HTTP API on a fresh database,
// with a one-Pass machine named "pass".
func benchServer(b *testing.B) string {
	b.Helper()
	cfg, err := pgxpool.ParseConfig(testkit.NewDatabase(b))
	require.NoError(b, err)
	cfg.MaxConns = 32
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	e, err := engine.New(pool, &engine.Config{Drive: true})
	require.NoError(b, err)
	require.NoError(b, e.Start(context.Background()))
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.Stop(ctx)
	})
	_, _, err = e.CreateStateMachine(context.Background(), "pass", engine.MachineSpec{
		Definition: `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`})
	require.NoError(b, err)
	srv := httptest.NewServer(web.New(e, nil).Handler())
	b.Cleanup(srv.Close)
	return srv.URL
}

// post sends a JSON body over a keep-alive client and requires status.
func post(b *testing.B, client *http.Client, url, body string, status int) {
	resp, err := client.Post(url, "application/json", bytes.NewBufferString(body))
	if err != nil {
		b.Error(err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status {
		b.Errorf("%s: status %d", url, resp.StatusCode)
	}
}

// BenchmarkHTTPStartExecution measures StartExecution requests per second
// over HTTP with keep-alive, for a machine with no Task, from 16 clients.
func BenchmarkHTTPStartExecution(b *testing.B) {
	url := benchServer(b) + "/v1/state-machines/pass/executions"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	b.ResetTimer()
	var wg sync.WaitGroup
	const clients = 16
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < b.N; i += clients {
				post(b, client, url, fmt.Sprintf(`{"name":"e-%d","input":{"n":%d}}`, i, i), http.StatusCreated)
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

// BenchmarkHTTPStartSync measures the latency of StartSyncExecution of a
// one-Pass machine, one request at a time.
func BenchmarkHTTPStartSync(b *testing.B) {
	url := benchServer(b) + "/v1/state-machines/pass/start-sync"
	client := &http.Client{}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		post(b, client, url, fmt.Sprintf(`{"name":"s-%d"}`, i), http.StatusOK)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
}
