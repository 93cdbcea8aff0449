package viewer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
	"github.com/stretchr/testify/require"
)

// The viewer's end-to-end tests drive Debian's chromium (headless) with
// chromedp against a real server, engine and PostgreSQL, each in its own
// tab of one shared browser. They skip when
// chromium is missing, unless STEPWISE_REQUIRE_BROWSER is set (CI sets
// it after installing chromium). Screenshots go to STEPWISE_SCREENSHOTS
// when set, else to a temporary directory named in the log.

const chromiumPath = "/usr/bin/chromium"

// browser is one headless chromium tab on a server's viewer.
type browser struct {
	t   *testing.T
	ctx context.Context
	api *webtest.API
	dir string
}

// shared is the one chromium process the tests open tabs in: starting
// it costs more than most tests. It lives as long as the test binary
// (chromedp has the kernel kill it when the binary exits).
var shared struct {
	once sync.Once
	ctx  context.Context
	err  error
}

// chromium returns the shared browser, starting it on first use; it skips
// the test when chromium is missing and STEPWISE_REQUIRE_BROWSER is unset.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("STEPWISE_REQUIRE_BROWSER") == "" {
			t.Skip("no chromium at " + chromiumPath + "; set STEPWISE_REQUIRE_BROWSER to fail instead")
		}
		p, lerr := exec.LookPath("chromium")
		require.NoError(t, lerr, "STEPWISE_REQUIRE_BROWSER is set but chromium is not installed")
		path = p
	}
	shared.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(profileDir()),
			chromedp.WindowSize(1280, 900), chromedp.Flag("hide-scrollbars", true))
		alloc, _ := chromedp.NewExecAllocator(context.Background(), opts...)
		shared.ctx, _ = chromedp.NewContext(alloc)
		shared.err = chromedp.Run(shared.ctx)
	})
	require.NoError(t, shared.err, "starting chromium")
	return shared.ctx
}

// profileDir is the shared browser's profile directory: one per test
// process, named by its pid. The browser outlives every test, so nothing
// removes it at the end; instead each run removes those of processes
// that are gone.
func profileDir() string {
	pattern := filepath.Join(os.TempDir(), "stepwise-viewer-chromium-*")
	old, _ := filepath.Glob(pattern)
	for _, dir := range old {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(dir), "stepwise-viewer-chromium-"))
		if err == nil && syscall.Kill(pid, 0) != nil {
			_ = os.RemoveAll(dir)
		}
	}
	return strings.Replace(pattern, "*", strconv.Itoa(os.Getpid()), 1)
}

// newBrowser opens a tab of width×height CSS pixels in the shared
// chromium.
func newBrowser(t *testing.T, a *webtest.API, width, height int) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(chromium(t))
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Run(ctx, chromedp.EmulateViewport(int64(width), int64(height))))
	dir := os.Getenv("STEPWISE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return &browser{t: t, ctx: ctx, api: a, dir: dir}
}

// minWait is the least time run gives actions: CI machines are small and
// shared, and a deadline only matters when something is wrong.
const minWait = 45 * time.Second

// run runs actions with a deadline of timeout, or minWait if longer.
func (b *browser) run(timeout time.Duration, actions ...chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, max(timeout, minWait))
	defer cancel()
	err := chromedp.Run(ctx, actions...)
	if err != nil {
		// Keep what the page showed, to see why.
		var png []byte
		shotCtx, cancelShot := context.WithTimeout(b.ctx, 5*time.Second)
		defer cancelShot()
		if chromedp.Run(shotCtx, chromedp.CaptureScreenshot(&png)) == nil {
			file := filepath.Join(b.dir, "failed-"+strings.ReplaceAll(b.t.Name(), "/", "-")+".png")
			_ = os.WriteFile(file, png, 0o644)
			b.t.Logf("screenshot of the failure: %s", file)
		}
	}
	require.NoError(b.t, err)
}

// open loads a viewer page (a hash route).
func (b *browser) open(route string) {
	b.t.Helper()
	b.run(20*time.Second, chromedp.Navigate(b.api.URL+"/ui/#"+route), chromedp.WaitReady("#page"))
}

// execution opens an execution's page and waits for its graph.
func (b *browser) execution(arn string, extra ...string) {
	b.t.Helper()
	q := url.Values{"arn": {arn}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	b.open("/execution?" + q.Encode())
	b.run(20*time.Second, chromedp.WaitVisible(`#exec-name`), chromedp.WaitReady(`#exec-graph .node`))
}

// node is the selector of a state's node coloured status.
func node(state, status string) string {
	return fmt.Sprintf(`#exec-graph .node.st-%s[data-state=%q]`, status, state)
}

// shot saves a screenshot of the window as NAME.png.
func (b *browser) shot(name string) {
	b.t.Helper()
	var png []byte
	b.run(20*time.Second, chromedp.Sleep(150*time.Millisecond), chromedp.CaptureScreenshot(&png))
	file := filepath.Join(b.dir, name+".png")
	require.NoError(b.t, os.WriteFile(file, png, 0o644))
	b.t.Logf("screenshot %s", file)
}

// eval evaluates a JavaScript expression into v.
func (b *browser) eval(expr string, v any) {
	b.t.Helper()
	b.run(10*time.Second, chromedp.Evaluate(expr, v))
}

// text returns the text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	var s string
	b.run(20*time.Second, chromedp.WaitVisible(sel), chromedp.Text(sel, &s, chromedp.NodeVisible))
	return s
}

func TestViewerBrowserListAndFilter(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("alpha", webtest.PassMachine)
	a.Machine("beta", webtest.WaitMachine)
	for i := range 3 {
		a.Wait(a.Start("alpha", fmt.Sprintf("alpha-%d", i), map[string]any{"i": i}))
	}
	a.Start("beta", "beta-running", map[string]any{})
	b := newBrowser(t, a, 1280, 900)
	b.open("/executions")
	b.run(20*time.Second, chromedp.WaitVisible(`tr[data-arn]`))
	var rows int
	b.eval(`document.querySelectorAll('tr[data-arn]').length`, &rows)
	require.Equal(t, 4, rows)
	b.shot("executions")

	b.run(20*time.Second,
		chromedp.SendKeys(`#f-name`, "alpha-1"),
		chromedp.Click(`#f-apply`),
		chromedp.WaitVisible(`#page tr[data-arn]`),
		chromedp.Poll(`document.querySelectorAll('tr[data-arn]').length === 1`, nil))
	require.Contains(t, b.text(`td.name`), "alpha-1")

	b.open("/executions?status=RUNNING")
	b.run(20*time.Second, chromedp.Poll(`document.querySelectorAll('tr[data-arn]').length === 1 && document.querySelector('td.name').textContent === 'beta-running'`, nil))

	// Auto-refresh shows a new execution without a reload.
	b.open("/executions")
	b.run(20*time.Second, chromedp.WaitVisible(`tr[data-arn]`), chromedp.Evaluate(`window.__noReload = 1`, nil))
	a.Wait(a.Start("alpha", "alpha-new", map[string]any{}))
	b.run(20*time.Second, chromedp.Poll(`window.__noReload === 1 && [...document.querySelectorAll('td.name')].some(td => td.textContent === 'alpha-new')`, nil))

	b.open("/machines")
	b.run(20*time.Second, chromedp.WaitVisible(`table.machines`))
	b.shot("machines")
}

// liveSaga is the order saga behind the approval example's callback
// task, so a test can open it while it waits and then let it run on.
func liveSaga(t *testing.T) string {
	var saga, approval map[string]any
	require.NoError(t, json.Unmarshal([]byte(testkit.Example(t, "order-saga")), &saga))
	require.NoError(t, json.Unmarshal([]byte(testkit.Example(t, "approval")), &approval))
	ask := approval["States"].(map[string]any)["RequestApproval"].(map[string]any)
	delete(ask, "Catch")
	ask["Next"] = saga["StartAt"]
	saga["States"].(map[string]any)["RequestApproval"] = ask
	saga["StartAt"] = "RequestApproval"
	out, err := json.Marshal(saga)
	require.NoError(t, err)
	return string(out)
}

func TestViewerBrowserLiveSaga(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("saga", liveSaga(t))
	b := newBrowser(t, a, 1280, 900)
	arn := a.Start("saga", "live", map[string]any{"orderId": "o-live", "amount": 42,
		"failAt": "ReserveInventory", "failError": "ServiceException", "failTimes": 1})
	token := a.Token()
	b.execution(arn)
	b.run(10*time.Second, chromedp.WaitVisible(node("RequestApproval", "running")), chromedp.WaitVisible(node("ConfirmOrder", "notreached")),
		chromedp.Evaluate(`window.__noReload = 1`, nil))
	b.shot("execution-running")
	// The execution moves on; the page follows through the event stream.
	sent := time.Now()
	a.Expect(http.StatusNoContent, http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": map[string]any{"approvedBy": "ada"}})
	b.run(30*time.Second, chromedp.WaitVisible(node("RequestApproval", "succeeded")))
	t.Logf("the page showed the callback's effect %v after it was sent", time.Since(sent).Round(time.Millisecond))
	b.run(30*time.Second, chromedp.WaitVisible(node("ConfirmOrder", "succeeded")), chromedp.WaitVisible(`#exec-header .badge-succeeded`))
	var noReload int
	b.eval(`window.__noReload`, &noReload)
	require.Equal(t, 1, noReload, "the page reloaded")
	b.run(5*time.Second, chromedp.WaitVisible(node("ReserveInventory", "succeeded")), chromedp.WaitVisible(node("RollbackPayment", "notreached")))
	var taken int
	b.eval(`document.querySelectorAll('#exec-graph path.edge.taken').length`, &taken)
	require.GreaterOrEqual(t, taken, 5)

	// The retried state shows its failed attempt and the wait.
	b.run(10*time.Second, chromedp.Click(`#exec-graph .node[data-state="ReserveInventory"]`), chromedp.WaitVisible(`#state-details table.attempts`))
	require.Contains(t, b.text(`#state-details table.attempts`), "ServiceException")
	b.shot("execution-succeeded")
	b.run(10*time.Second, chromedp.Click(`#tab-timeline`), chromedp.WaitVisible(`#timeline svg .bar`))
	b.shot("timeline")
}

func TestViewerBrowserFailedStateAndHistory(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("order-saga", testkit.Example(t, "order-saga"))
	arn := a.Start("order-saga", "sad", map[string]any{"orderId": "o-2", "amount": 10, "failAt": "ConfirmOrder"})
	require.Equal(t, "FAILED", a.Wait(arn)["status"])
	b := newBrowser(t, a, 1280, 1100)
	b.execution(arn)
	b.run(10*time.Second, chromedp.WaitVisible(node("ConfirmOrder", "caught")), chromedp.WaitVisible(node("SagaFailed", "failed")),
		chromedp.WaitVisible(node("RollbackPayment", "succeeded")))
	require.Contains(t, b.text(`#exec-error`), "ConfirmationFailed")

	// A failed state's details: error, cause, attempts, stages; deep link.
	b.run(10*time.Second, chromedp.Click(`#exec-graph .node[data-state="ConfirmOrder"]`), chromedp.WaitVisible(`#state-details .failure`))
	require.Contains(t, b.text(`#state-details .failure`), "ConfirmationFailed")
	require.Equal(t, "caught", b.text(`#state-status`))
	var hash string
	b.eval(`location.hash`, &hash)
	require.Contains(t, hash, "state=ConfirmOrder")
	b.run(10*time.Second, chromedp.Click(`.io-box > summary`), chromedp.Click(`#exec-graph .fit`))
	b.shot("execution-failed")
	b.run(10*time.Second, chromedp.Evaluate(`localStorage.setItem('stepwise.theme', 'dark')`, nil), chromedp.Reload(),
		chromedp.WaitVisible(`#state-details .failure`), chromedp.WaitVisible(`html[data-theme="dark"]`))
	b.shot("execution-failed-dark")
	b.run(10*time.Second, chromedp.Evaluate(`localStorage.removeItem('stepwise.theme')`, nil))

	b.execution(arn, "state", "ProcessPayment")
	b.run(10*time.Second, chromedp.WaitVisible(`#state-details .stage`))
	var stages string
	b.eval(`[...document.querySelectorAll('#state-details .stage > summary')].map(s => s.textContent).join('|')`, &stages)
	require.Contains(t, stages, "After ResultSelector")
	require.Contains(t, stages, "After Parameters")

	// History: failures filter and expandable rows.
	b.run(10*time.Second, chromedp.Click(`#tab-history`), chromedp.WaitVisible(`#history-rows tr.ev`),
		chromedp.Click(`#h-failures`),
		chromedp.Poll(`[...document.querySelectorAll('#history-rows tr.ev td.type')].every(td => /(Failed|TimedOut|Aborted)$/.test(td.textContent))`, nil),
		chromedp.Click(`#history-rows tr.ev`), chromedp.WaitVisible(`#history-rows tr.ev-details .json`))
	b.shot("history")
}

func TestViewerBrowserHistoryPaging(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("chain", webtest.PassChain(80))
	arn := a.Start("chain", "long", map[string]any{})
	a.Wait(arn)
	b := newBrowser(t, a, 1280, 900)
	b.execution(arn, "tab", "history")
	b.run(10*time.Second, chromedp.WaitVisible(`#history-rows tr[data-id="1"]`), chromedp.Click(`#h-next`),
		chromedp.WaitVisible(`#history-rows tr[data-id="101"]`))
	require.Equal(t, "Page 2", b.text(`#h-page`))
	b.run(10*time.Second, chromedp.Click(`#h-prev`), chromedp.WaitVisible(`#history-rows tr[data-id="1"]`))
}

func TestViewerBrowserApproveCallback(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("approval", testkit.Example(t, "approval"))
	arn := a.Start("approval", "approve-me", json.RawMessage(testkit.ExampleInput(t, "approval")))
	a.Token()
	b := newBrowser(t, a, 1280, 1000)
	b.execution(arn)
	b.run(10*time.Second, chromedp.WaitVisible(node("RequestApproval", "running")),
		chromedp.Click(`#exec-graph .node[data-state="RequestApproval"]`), chromedp.WaitVisible(`#callback`))
	b.shot("callback")
	b.run(10*time.Second, chromedp.Click(`#theme`), chromedp.WaitVisible(`html[data-theme="dark"]`))
	b.shot("callback-dark")
	b.run(10*time.Second, chromedp.SetValue(`#callback .cb-output`, `{"approvedBy": "ada"}`), chromedp.Click(`#cb-success`))
	b.run(20*time.Second, chromedp.WaitVisible(`#exec-header .badge-succeeded`), chromedp.WaitVisible(node("Approved", "succeeded")))
	out := a.Wait(arn)
	require.Equal(t, map[string]any{"approvedBy": "ada"}, out["output"].(map[string]any)["approval"])
}

func TestViewerBrowserNoScriptInjection(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("xss", `{"StartAt":"Echo","States":{"Echo":{"Type":"Pass","Next":"Boom"},
	  "Boom":{"Type":"Fail","ErrorPath":"$.error","CausePath":"$.cause"}}}`)
	payload := `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`
	arn := a.Start("xss", "xss", map[string]any{"error": payload, "cause": `"><img src=x onerror=window.__xss=3><svg onload=window.__xss=4>`,
		"note": payload, payload: payload})
	require.Equal(t, "FAILED", a.Wait(arn)["status"])
	b := newBrowser(t, a, 1280, 900)
	b.execution(arn)
	b.run(10*time.Second, chromedp.WaitVisible(`#exec-error`), chromedp.Click(`#exec-graph .node[data-state="Boom"]`),
		chromedp.WaitVisible(`#state-details`), chromedp.Click(`#tab-history`), chromedp.WaitVisible(`#history-rows tr.ev`))
	b.run(10*time.Second, chromedp.Evaluate(`document.querySelectorAll('#history-rows tr.ev').forEach(tr => tr.click())`, nil),
		chromedp.WaitVisible(`#history-rows tr.ev-details`))
	b.open("/executions")
	b.run(10*time.Second, chromedp.WaitVisible(`tr[data-arn]`))
	b.execution(arn, "tab", "history")
	var flag any
	b.eval(`window.__xss === undefined ? null : window.__xss`, &flag)
	require.Nil(t, flag, "an injected script ran")
	var injected int
	b.eval(`document.querySelectorAll('img, script:not([src]), svg[onload], [onerror]').length`, &injected)
	require.Zero(t, injected, "markup from execution data reached the DOM")
	require.Contains(t, b.text(`#exec-error`), "<script>window.__xss=1</script>")
}

func TestViewerBrowserMachinePageAndPhone(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("order-processing", testkit.Example(t, "order-processing"))
	b := newBrowser(t, a, 1280, 900)
	b.open("/machines/order-processing")
	b.run(10*time.Second, chromedp.WaitVisible(`#machine-graph .node`), chromedp.WaitVisible(`#machine-graph .group`))
	// Invalid JSON is refused before sending.
	b.run(10*time.Second, chromedp.SetValue(`#start-input`, `{"orderId": `), chromedp.Click(`#start-submit`),
		chromedp.Poll(`document.querySelector('#start-msg').textContent.includes('not valid JSON')`, nil))
	b.shot("machine")
	b.run(10*time.Second, chromedp.SetValue(`#start-input`, testkit.ExampleInput(t, "order-processing")), chromedp.Click(`#start-submit`),
		chromedp.WaitVisible(`#exec-graph .node`), chromedp.WaitVisible(`#exec-header .badge-succeeded`))

	phone := newBrowser(t, a, 390, 844)
	var hash string
	b.eval(`location.hash`, &hash)
	phone.open(strings.TrimPrefix(hash, "#"))
	phone.run(20*time.Second, chromedp.WaitVisible(`#exec-graph .node.st-succeeded`))
	var overflow bool
	phone.eval(`document.documentElement.scrollWidth > window.innerWidth + 2`, &overflow)
	require.False(t, overflow, "the page is wider than a phone")
	phone.shot("execution-phone")
}

func TestViewerBrowserMapIterations(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("fan-out", `{"StartAt":"Prepare","States":{
	  "Prepare":{"Type":"Pass","Next":"Each"},
	  "Each":{"Type":"Map","ItemsPath":"$.items","ToleratedFailureCount":5,"ResultPath":"$.results",
	    "ItemProcessor":{"StartAt":"Check","States":{
	      "Check":{"Type":"Choice","Choices":[{"Variable":"$","NumericGreaterThan":90,"Next":"Reject"}],"Default":"Ship"},
	      "Reject":{"Type":"Fail","Error":"TooHeavy","Cause":"the parcel is over 90 kg"},
	      "Ship":{"Type":"Pass","Result":"shipped","End":true}}},"Next":"Done"},
	  "Done":{"Type":"Succeed"}}}`)
	items := make([]int, 30)
	for i := range items {
		items[i] = i
	}
	items[3], items[17] = 95, 99
	arn := a.Start("fan-out", "parcels", map[string]any{"items": items})
	require.Equal(t, "SUCCEEDED", a.Wait(arn)["status"])
	b := newBrowser(t, a, 1280, 1100)
	b.execution(arn)
	b.run(10*time.Second, chromedp.WaitVisible(node("Ship", "succeeded")), chromedp.WaitVisible(node("Reject", "failed")),
		chromedp.Click(`#exec-graph .group.state-group[data-state="Each"] .group-label`), chromedp.WaitVisible(`#iter-list`))
	var first string
	b.eval(`[...document.querySelectorAll('#iter-list .iter')].slice(0, 2).map(b => b.dataset.index).join(',')`, &first)
	require.Equal(t, "3,17", first, "failed iterations come first")
	b.run(10*time.Second, chromedp.Click(`#iter-list .iter[data-index="17"]`), chromedp.WaitVisible(`#iteration-details`))
	require.Contains(t, b.text(`#iteration-details`), "TooHeavy")
	b.run(10*time.Second, chromedp.WaitVisible(node("Reject", "failed")), chromedp.WaitVisible(node("Ship", "notreached")))
	var hash string
	b.eval(`location.hash`, &hash)
	require.Contains(t, hash, "iter=Each%3A17")
	b.run(10*time.Second, chromedp.Click(`.io-box > summary`), chromedp.Click(`#exec-graph .fit`))
	b.shot("map-iteration")

	// The deep link opens the same iteration.
	b.open(strings.TrimPrefix(hash, "#"))
	b.run(20*time.Second, chromedp.WaitVisible(`#iteration-details`))
	require.Contains(t, strings.ToLower(b.text(`#iteration-details h4`)), "iteration 17")
}

func TestViewerBrowserAPIKey(t *testing.T) {
	a := webtest.NewKeyed(t)
	b := newBrowser(t, a, 1280, 900)
	b.open("/executions")
	b.run(10*time.Second, chromedp.WaitVisible(`#key-dialog`), chromedp.SendKeys(`#api-key-input`, webtest.ReadSecret),
		chromedp.Click(`#key-dialog button[type="submit"]`), chromedp.WaitVisible(`#executions .empty`))
	var stored string
	b.eval(`localStorage.getItem('stepwise.apiKey')`, &stored)
	require.Equal(t, webtest.ReadSecret, stored)
}

// TestViewerBrowserLargeExecutions measures how long the execution page
// takes to show an execution of 25,000 history events and one with a Map
// of 1,000 iterations. It logs the times; it asserts none.
func TestViewerBrowserLargeExecutions(t *testing.T) {
	if testing.Short() {
		t.Skip("large executions take a while to run")
	}
	a := webtest.New(t, nil)
	// A loop of a Pass and a Choice: four events a round; 6,249 rounds
	// make 25,000 events, AWS's quota, with the start and the end.
	a.Machine("loop", `{"StartAt":"Count","States":{
	  "Count":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"More"},
	  "More":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericLessThan":6249,"Next":"Count"}],"Default":"Done"},
	  "Done":{"Type":"Succeed"}}}`)
	a.Machine("map-1000", `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items",
	  "ItemProcessor":{"StartAt":"Double","States":{"Double":{"Type":"Pass","Parameters":{"v.$":"States.MathAdd($, $)"},"End":true}}},"End":true}}}`)
	items := make([]int, 1000)
	for i := range items {
		items[i] = i
	}
	began := time.Now()
	loop := a.Start("loop", "events-25000", map[string]any{"n": 0})
	require.Equal(t, "SUCCEEDED", a.Wait(loop)["status"])
	t.Logf("the loop ran in %v", time.Since(began))
	began = time.Now()
	fan := a.Start("map-1000", "iterations-1000", map[string]any{"items": items})
	deadline := time.Now().Add(3 * time.Minute)
	for a.Expect(200, "GET", "/v1/executions/-?arn="+url.QueryEscape(fan), nil)["status"] == "RUNNING" {
		require.True(t, time.Now().Before(deadline), "the Map did not finish")
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("the Map ran in %v", time.Since(began))

	b := newBrowser(t, a, 1280, 900)
	b.open("/executions") // warm the page's scripts
	for _, tc := range []struct{ name, arn, state string }{{"25,000 events", loop, "Done"}, {"Map of 1,000 iterations", fan, "Double"}} {
		sum := a.Expect(200, "GET", viewerPath(tc.arn, ""), nil)
		began := time.Now()
		a.Expect(200, "GET", viewerPath(tc.arn, ""), nil)
		api := time.Since(began)
		began = time.Now()
		b.run(60*time.Second, chromedp.Navigate(b.api.URL+"/ui/#/execution?arn="+url.QueryEscape(tc.arn)),
			chromedp.WaitVisible(`#exec-name`), chromedp.WaitVisible(node(tc.state, "succeeded")))
		page := time.Since(began)
		began = time.Now()
		b.run(60*time.Second, chromedp.Click(`#tab-history`), chromedp.WaitVisible(`#history-rows tr[data-id="100"]`))
		history := time.Since(began)
		began = time.Now()
		b.run(60*time.Second, chromedp.Click(`#h-next`), chromedp.WaitVisible(`#history-rows tr[data-id="101"]`))
		next := time.Since(began)
		t.Logf("%s (%v events): summary API %v; page to coloured graph %v; first history page %v; next page %v",
			tc.name, sum["eventCount"], api.Round(time.Millisecond), page.Round(time.Millisecond), history.Round(time.Millisecond), next.Round(time.Millisecond))
		b.shot("large-" + strings.ReplaceAll(strings.ReplaceAll(tc.name, " ", "-"), ",", ""))
	}
}

func TestViewerBrowserStopAndRedrive(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("waits", webtest.WaitMachine)
	a.Machine("confirm", `{"StartAt":"ConfirmOrder","States":{"ConfirmOrder":{"Type":"Task",
	  "Resource":"arn:aws:lambda:us-east-1:123456789012:function:confirm-order","End":true}}}`)
	b := newBrowser(t, a, 1280, 900)

	waiting := a.Start("waits", "to-stop", map[string]any{})
	b.execution(waiting)
	b.run(10*time.Second, chromedp.WaitVisible(node("W", "running")), chromedp.Click(`#btn-stop`),
		chromedp.Poll(`document.querySelector('#btn-stop').textContent === 'Really stop?'`, nil), chromedp.Click(`#btn-stop`),
		chromedp.WaitVisible(`#exec-header .badge-aborted`), chromedp.WaitVisible(node("W", "cancelled")))
	require.Equal(t, "ABORTED", a.Wait(waiting)["status"])

	failing := a.Start("confirm", "to-redrive", map[string]any{"orderId": "o-9", "failAt": "ConfirmOrder", "failTimes": 1})
	require.Equal(t, "FAILED", a.Wait(failing)["status"])
	b.execution(failing)
	b.run(10*time.Second, chromedp.WaitVisible(node("ConfirmOrder", "failed")), chromedp.Click(`#btn-redrive`),
		chromedp.WaitVisible(`#exec-header .badge-succeeded`), chromedp.WaitVisible(node("ConfirmOrder", "succeeded")))
}

// TestViewerBrowserNestedLinks: a child execution's header links to its
// parent, and the parent's Task that started it links to the child.
func TestViewerBrowserNestedLinks(t *testing.T) {
	a := webtest.New(t, nil)
	a.Machine("echo", webtest.PassMachine)
	a.Machine("parent", webtest.NestedMachine)
	parent := a.Start("parent", "p", map[string]any{"names": []string{"kid"}})
	require.Equal(t, "SUCCEEDED", a.Wait(parent)["status"])
	child := "arn:aws:states:us-east-1:000000000000:execution:echo:kid"
	b := newBrowser(t, a, 1280, 900)

	b.execution(child)
	require.Equal(t, parent, b.text(`#exec-parent a`))
	b.run(20*time.Second, chromedp.Click(`#exec-parent a`),
		chromedp.Poll(`document.querySelector('#exec-name')?.textContent === 'p'`, nil))
	var none bool
	b.eval(`document.querySelector('#exec-parent') === null`, &none)
	require.True(t, none, "the parent was started through the API")

	b.execution(parent, "state", "StartChild")
	require.Equal(t, child, b.text(`#state-children a`))
	b.shot("nested-parent")
	b.run(20*time.Second, chromedp.Click(`#state-children a`),
		chromedp.Poll(`document.querySelector('#exec-name')?.textContent === 'kid'`, nil), chromedp.WaitVisible(`#exec-parent a`))
	var hash string
	b.eval(`location.hash`, &hash)
	require.Contains(t, hash, url.QueryEscape(child))
}
