package viewer_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// filterStatus picks a status in the Map run page's filter.
func filterStatus(status string) chromedp.Action {
	return chromedp.Evaluate(`(() => { const s = document.querySelector('#f-status'); s.value = `+strconv.Quote(status)+`;
		s.dispatchEvent(new Event('change')); })()`, nil)
}

// TestViewerBrowserMapRun opens a running Distributed Map's Map run from
// its execution's page, watches its counts and its filtered children
// change without a reload, and follows a child's link and back.
func TestViewerBrowserMapRun(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("dist", testkit.DistributedMap)
	arn := a.Start("dist", "fan-out", map[string]any{"items": []int{1, 2, 3, 4, 5}})
	mapRunARN := a.MapRun(arn)
	b := newBrowser(t, a, 1280, 1000)
	b.execution(arn)

	// The execution lists its Map run, and the Map state's details link to it.
	b.run(20*time.Second, chromedp.WaitVisible(`#exec-map-runs a.map-run-link`),
		chromedp.Click(`#exec-graph .group.state-group[data-state="M"] .group-label`), chromedp.WaitVisible(`#state-map-runs a.map-run-link`),
		chromedp.Click(`#state-map-runs a.map-run-link`), chromedp.WaitVisible(`#maprun-header .badge-running`),
		chromedp.WaitVisible(`#children tr[data-arn]`), chromedp.Evaluate(`window.__noReload = 1`, nil))
	var shown string
	b.eval(`new URLSearchParams(location.hash.split('?')[1]).get('arn')`, &shown)
	require.Equal(t, mapRunARN, shown)
	require.Equal(t, "1", b.text(`#maprun-concurrency`))
	b.shot("map-run-running")

	// Only the succeeded children, and their count grows as they finish.
	before, err := strconv.Atoi(b.text(`#count-succeeded`))
	require.NoError(t, err)
	require.Less(t, before, 5, "the Map run ended before the page could watch it")
	b.run(10*time.Second, filterStatus("SUCCEEDED"),
		chromedp.Poll(`[...document.querySelectorAll('#children tr[data-arn]')].every(tr => tr.querySelector('.badge-succeeded'))`, nil),
		chromedp.Poll(`Number(document.querySelector('#count-succeeded').textContent) > `+strconv.Itoa(before), nil))
	b.run(30*time.Second, chromedp.WaitVisible(`#maprun-header .badge-succeeded`),
		chromedp.Poll(`document.querySelector('#count-succeeded').textContent === '5' && document.querySelector('#count-running').textContent === '0'`, nil),
		chromedp.Poll(`document.querySelectorAll('#children tr[data-arn] .badge-succeeded').length === 5`, nil))
	require.Equal(t, "5", b.text(`#count-total`))
	var noReload int
	b.eval(`window.__noReload`, &noReload)
	require.Equal(t, 1, noReload, "the page reloaded")
	b.shot("map-run-succeeded")

	b.run(10*time.Second, filterStatus("FAILED"), chromedp.WaitVisible(`#children .empty`))
	var hash string
	b.eval(`location.hash`, &hash)
	require.Contains(t, hash, "status=FAILED")

	// A child's page links back to its Map run, which links to its parent.
	b.run(10*time.Second, filterStatus(""), chromedp.Poll(`document.querySelectorAll('#children tr[data-arn]').length === 5`, nil),
		chromedp.Click(`#children td.name a`), chromedp.WaitVisible(`#exec-map-run a`))
	require.Equal(t, mapRunARN, b.text(`#exec-map-run a`))
	b.run(10*time.Second, chromedp.Click(`#exec-map-run a`), chromedp.WaitVisible(`#maprun-header .badge-succeeded`),
		chromedp.Click(`#maprun-execution a`), chromedp.WaitVisible(`#exec-name`))
	require.Equal(t, "fan-out", b.text(`#exec-name`))
}
