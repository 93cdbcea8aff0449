package bench

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/engine"
)

// The soak workload: soakRate starts per second of soakMachine for n
// seconds (30 minutes at full size), open loop, with the machine's
// retention a third of the run (10 minutes at full size) and the
// retention sweep every tenth of that, so that the tables reach a steady
// size by the middle of the run. It samples soakSamples times (every
// minute at full size, at least every second) the executions started and
// finished since the last sample and the size of every table. On a
// server whose autovacuum is off (a CI configuration), deleted rows'
// space would never be reused and no table could stay flat: the workload
// then vacuums the database itself after every sample, as autovacuum
// would (every minute at full size, autovacuum's default naptime), and
// says so.
const (
	soakRate    = 500
	soakSamples = 30
	// soakFlatGrowth is how much bigger than at the middle the tables
	// may be at the end and still count as flat.
	soakFlatGrowth = 0.10
)

// soakMachine is a small order machine: a Pass, two Tasks served by Go
// functions and a Choice.
var soakMachine = `{"StartAt":"Validate","States":{
	"Validate":{"Type":"Pass","Parameters":{"orderId.$":"$.orderId","amount.$":"$.amount"},"Next":"Reserve"},
	"Reserve":{"Type":"Task","Resource":"` + noopARN + `","ResultPath":"$.reservation","Next":"Charge"},
	"Charge":{"Type":"Task","Resource":"` + noopARN + `","ResultPath":"$.payment","Next":"Paid?"},
	"Paid?":{"Type":"Choice","Choices":[{"Variable":"$.amount","NumericGreaterThan":0,"Next":"Done"}],"Default":"Refused"},
	"Refused":{"Type":"Fail","Error":"Refused"},
	"Done":{"Type":"Succeed"}}}`

func soakInput(i int) string { return fmt.Sprintf(`{"orderId":"o-%d","amount":%d}`, i, 1+i%100) }

// SoakReport is what the soak workload saw over its run.
type SoakReport struct {
	OfferedPerSecond float64 `json:"offeredPerSecond"`
	RetentionSeconds float64 `json:"retentionSeconds"`
	// Deleted is how many executions the retention sweeps deleted.
	Deleted int64 `json:"deleted"`
	// Vacuumed says the server's autovacuum was off, so the workload
	// vacuumed the database after every sample.
	Vacuumed bool `json:"vacuumed"`
	// Samples are taken at the start, every thirtieth of the run and at
	// its end; the middle one is Samples[len(Samples)/2].
	Samples []SoakSample `json:"samples"`
}

// SoakSample is one sample of the soak workload.
type SoakSample struct {
	// Second is the time since the start of the run.
	Second float64 `json:"second"`
	// Started and Finished count the executions started (accepted) and
	// finished since the previous sample.
	Started  int64 `json:"started"`
	Finished int64 `json:"finished"`
	// Executions is how many executions the database holds, of every
	// machine (the 20,000 of the seeded history included).
	Executions int64 `json:"executions"`
	// Sizes is every table's size in bytes, indexes and TOAST included.
	Sizes map[string]int64 `json:"sizes"`
}

// soak runs the soak workload for n seconds.
func soak(ctx context.Context, r *runner, n int) (*Result, error) {
	duration := time.Duration(n) * time.Second
	retention := max(time.Second, duration/3)
	v, err := r.openWith(ctx, &engine.Config{Functions: noopFunctions(), RetentionSweepInterval: retention / 10})
	if err != nil {
		return nil, err
	}
	defer v.close()
	if _, _, err := v.e.CreateStateMachine(ctx, "m", engine.MachineSpec{Definition: soakMachine, Retention: &retention}); err != nil {
		return nil, err
	}
	report := &SoakReport{OfferedPerSecond: soakRate, RetentionSeconds: retention.Seconds()}
	on, err := autovacuumOn(ctx, v.pool)
	if err != nil {
		return nil, err
	}
	report.Vacuumed = !on
	if err := v.begin(ctx); err != nil {
		return nil, err
	}
	c := &offerCounts{}
	wait, abort := paceSoak(ctx, v, c, duration)
	report.Samples, err = sampleSoak(ctx, v, c, duration, report.Vacuumed)
	if err != nil {
		abort()
	}
	wait()
	if err != nil {
		return nil, err
	}
	return finishSoak(ctx, v, c, report)
}

// paceSoak starts the soak workload's executions in the background, for
// duration; wait waits until the pacer and its starts have ended, abort
// ends them early.
func paceSoak(ctx context.Context, v *env, c *offerCounts, duration time.Duration) (wait, abort func()) {
	ctx, abort = context.WithCancel(ctx)
	paced := make(chan struct{})
	go func() {
		defer close(paced)
		pace(ctx, c, soakRate, duration, func() func(i int) error {
			return func(i int) error {
				_, _, err := v.e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Input: soakInput(i)})
				return err
			}
		})
	}()
	return func() { <-paced; abort() }, abort
}

// sampleSoak takes the soak workload's samples until duration has
// passed, and vacuums the database after each when told to.
func sampleSoak(ctx context.Context, v *env, c *offerCounts, duration time.Duration, vacuums bool) ([]SoakSample, error) {
	every := max(time.Second, duration/soakSamples)
	steps := int(duration / every)
	samples := make([]SoakSample, 0, steps+1)
	var started, finished int64
	for k := 0; k <= steps; k++ {
		if err := sleepUntil(ctx, v.started.Add(time.Duration(k)*every)); err != nil {
			return nil, err
		}
		s := SoakSample{Second: time.Since(v.started).Seconds(), Started: c.accepted.Load() - started, Finished: v.count.finished.Load() - finished}
		started, finished = started+s.Started, finished+s.Finished
		if err := s.measure(ctx, v.pool); err != nil {
			return nil, err
		}
		samples = append(samples, s)
		if vacuums {
			if err := vacuum(ctx, v.pool); err != nil {
				return nil, err
			}
		}
	}
	return samples, nil
}

// measure reads the sizes of the tables and counts the executions.
func (s *SoakSample) measure(ctx context.Context, pool *pgxpool.Pool) error {
	var err error
	if s.Sizes, err = tableSizes(ctx, pool); err != nil {
		return err
	}
	s.Executions, err = countExecutions(ctx, pool)
	return err
}

func sleepUntil(ctx context.Context, t time.Time) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Until(t)):
		return nil
	}
}

// finishSoak waits until every accepted execution has finished and fills
// the result, with the report and a note saying whether the rate held
// and the tables stayed flat.
func finishSoak(ctx context.Context, v *env, c *offerCounts, report *SoakReport) (*Result, error) {
	last := report.Samples[len(report.Samples)-1]
	running := c.accepted.Load() - v.count.finished.Load()
	wait, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := v.waitFinished(wait, c.accepted.Load()); err != nil {
		return nil, fmt.Errorf("%d accepted executions did not all finish: %w", c.accepted.Load(), err)
	}
	report.Deleted = v.count.swept.Load()
	res := &Result{Count: int(c.accepted.Load()), Unit: "executions", Soak: report}
	if err := v.end(ctx, res); err != nil {
		return nil, err
	}
	achieved := float64(c.accepted.Load()) / last.Second
	held := achieved >= 0.95*soakRate && running <= 2*soakRate
	res.Note = fmt.Sprintf("offered %d/s for %.0f s, achieved %.0f/s (%d unsent, %d failed, %d running at the end): %s; retention %.0f s, %d deleted; %s",
		soakRate, last.Second, achieved, c.unsent.Load(), c.failed.Load(), running, verdict(held, "rate held", "rate NOT held"),
		report.RetentionSeconds, report.Deleted, report.flatness())
	if c.failed.Load() > 0 {
		return res, fmt.Errorf("%d starts failed (first: %v)", c.failed.Load(), c.firstErr())
	}
	return res, nil
}

func verdict(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

// middle and end are the samples the flatness is judged on.
func (s *SoakReport) middle() SoakSample { return s.Samples[len(s.Samples)/2] }
func (s *SoakReport) end() SoakSample    { return s.Samples[len(s.Samples)-1] }

// flatness compares the size of all tables at the end with the middle.
func (s *SoakReport) flatness() string {
	mid, end := total(s.middle().Sizes), total(s.end().Sizes)
	growth := float64(end-mid) / float64(mid)
	return fmt.Sprintf("all tables %.1f MB at the middle, %.1f MB at the end (%+.1f%%): %s%s", mb(mid), mb(end), 100*growth,
		verdict(growth <= soakFlatGrowth, "flat", "NOT flat"), verdict(s.Vacuumed, " (autovacuum off: vacuumed by the workload after every sample)", ""))
}

func total(sizes map[string]int64) int64 {
	var t int64
	for _, n := range sizes {
		t += n
	}
	return t
}

func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }

// Print prints the report: the size of every table at the start, middle
// and end, then the throughput and the size of all tables over time.
func (s *SoakReport) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	start, mid, end := s.Samples[0], s.middle(), s.end()
	fmt.Fprintf(tw, "table\tstart MB\tmiddle MB (%.0f s)\tend MB (%.0f s)\tend - middle MB\t\n", mid.Second, end.Second)
	names := make([]string, 0, len(end.Sizes))
	for name := range end.Sizes {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%+.2f\t\n", name, mb(start.Sizes[name]), mb(mid.Sizes[name]), mb(end.Sizes[name]),
			mb(end.Sizes[name]-mid.Sizes[name]))
	}
	fmt.Fprintf(tw, "all tables\t%.2f\t%.2f\t%.2f\t%+.2f\t\n\n", mb(total(start.Sizes)), mb(total(mid.Sizes)), mb(total(end.Sizes)),
		mb(total(end.Sizes)-total(mid.Sizes)))
	fmt.Fprintln(tw, "second\tstarted/s\tfinished/s\texecutions stored\tall tables MB\t")
	prev := 0.0
	for _, x := range s.Samples {
		per := func(n int64) float64 { return float64(n) / max(x.Second-prev, 1e-9) }
		fmt.Fprintf(tw, "%.0f\t%.0f\t%.0f\t%d\t%.2f\t\n", x.Second, per(x.Started), per(x.Finished), x.Executions, mb(total(x.Sizes)))
		prev = x.Second
	}
	return tw.Flush()
}
