package viewer_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// TestViewerBrowserExpress: the Express list shows executions rebuilt
// from seeded log records, filters them by machine and status, and an
// Express execution's page colours the graph and lists its records.
func TestViewerBrowserExpress(t *testing.T) {
	a := webtest.New(t, nil)
	fast, fastRun := a.ExpressMachine("fast")
	other, otherRun := a.ExpressMachine("other")
	start := time.Now().Add(-time.Minute).UTC()
	a.LogRun(fast, fastRun("ok"), start, webtest.PassRun("ExecutionSucceeded", "", "")...)
	a.LogRun(fast, fastRun("bad"), start.Add(time.Second), webtest.PassRun("ExecutionFailed", "Boom", "it broke")...)
	a.LogRun(other, otherRun("elsewhere"), start.Add(2*time.Second), webtest.PassRun("", "", "")...)

	b := newBrowser(t, a, 1280, 900)
	b.open("/express")
	b.run(20*time.Second, chromedp.WaitVisible(`#express-executions tr[data-arn]`),
		chromedp.Poll(`document.querySelectorAll('#express-executions tr[data-arn]').length === 3`, nil))
	require.Equal(t, "elsewhere", b.text(`#express-executions td.name`), "newest first")
	b.shot("express-list")

	b.run(20*time.Second,
		chromedp.WaitReady(`#x-machine option[value="fast"]`),
		chromedp.SetValue(`#x-machine`, "fast"),
		chromedp.SetValue(`#x-status`, "FAILED"),
		chromedp.Click(`#x-apply`),
		chromedp.Poll(`location.hash.includes('status=FAILED') && document.querySelectorAll('#express-executions tr[data-arn]').length === 1`, nil))
	require.Equal(t, "bad", b.text(`#express-executions td.name`))

	b.open("/express?status=RUNNING")
	b.run(20*time.Second, chromedp.Poll(`document.querySelectorAll('#express-executions tr[data-arn]').length === 1 && document.querySelector('#express-executions td.name').textContent === 'elsewhere'`, nil))

	b.open("/express?" + url.Values{"to": {start.Add(time.Second).Format(time.RFC3339Nano)}}.Encode())
	b.run(20*time.Second, chromedp.Poll(`document.querySelectorAll('#express-executions tr[data-arn]').length === 1 && document.querySelector('#express-executions td.name').textContent === 'ok'`, nil))

	b.open("/express")
	b.run(20*time.Second, chromedp.WaitVisible(`#express-executions tr[data-arn]`))
	b.run(20*time.Second, chromedp.Click(`//td[@class="name"]/a[text()="ok"]`, chromedp.BySearch),
		chromedp.WaitVisible(`#exec-name`), chromedp.WaitVisible(node("P", "succeeded")))
	require.Equal(t, "ok", b.text(`#exec-name`))
	b.run(20*time.Second, chromedp.Poll(`document.querySelectorAll('#x-records tr.ev').length === 4`, nil))
	require.Contains(t, b.text(`#x-records tr.ev`), "ExecutionSucceeded", "newest first")
	b.shot("express-execution")

	b.open("/express-execution?" + url.Values{"arn": {fastRun("bad")}}.Encode())
	b.run(20*time.Second, chromedp.WaitVisible(`#exec-error`), chromedp.WaitReady(`#exec-graph .node`))
	require.Contains(t, b.text(`#exec-error`), "Boom")
}
