package web_test

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// BenchmarkHTTPStartExecution measures StartExecution requests per second
// over HTTP with keep-alive, for a machine with no Task, from 16 clients.
func BenchmarkHTTPStartExecution(b *testing.B) {
	url := webtest.BenchServer(b) + "/v1/state-machines/pass/executions"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	b.ResetTimer()
	var wg sync.WaitGroup
	const clients = 16
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < b.N; i += clients {
				webtest.Post(b, client, url, fmt.Sprintf(`{"name":"e-%d","input":{"n":%d}}`, i, i), http.StatusCreated)
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

// BenchmarkHTTPStartSync measures the latency of StartSyncExecution of a
// one-Pass machine, one request at a time.
func BenchmarkHTTPStartSync(b *testing.B) {
	url := webtest.BenchServer(b) + "/v1/state-machines/pass/start-sync"
	client := &http.Client{}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		webtest.Post(b, client, url, fmt.Sprintf(`{"name":"s-%d"}`, i), http.StatusOK)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
}
