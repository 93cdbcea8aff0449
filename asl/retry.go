package asl

import (
	"math"
	"math/rand/v2"
	"time"
)

// Retrier is one entry of a state's Retry field.
type Retrier struct {
	ErrorEquals []string
	// IntervalSeconds before the first retry; default 1.
	IntervalSeconds int64
	// MaxAttempts is how many retries this retrier allows; default 3, 0 never.
	MaxAttempts int64
	// BackoffRate multiplies the interval after each retry; default 2.
	BackoffRate float64
	// MaxDelaySeconds caps the interval; 0 means no cap.
	MaxDelaySeconds int64
	// JitterStrategy is "FULL" (random delay up to the interval) or "NONE".
	JitterStrategy string
}

// Catcher is one entry of a state's Catch field.
type Catcher struct {
	ErrorEquals []string
	Next        string
	// ResultPath places {Error, Cause} in the state input; absent means "$".
	ResultPath OptionalPath
	// Output (JSONata) shapes the state output from $states.errorOutput;
	// nil passes the error output on.
	Output *Value
	// Assign sets variables when the catcher is taken; nil sets none.
	Assign *Assign
}

// Matches reports whether an error named name is one of patterns, with
// ASL's wildcards: States.ALL matches every error but States.Runtime and
// States.DataLimitExceeded, which no retrier or catcher handles;
// States.TaskFailed matches every error but States.Timeout.
func Matches(patterns []string, name string) bool {
	if name == ErrorRuntime || name == ErrorDataLimitExceeded {
		return false
	}
	for _, p := range patterns {
		switch {
		case p == name:
			return true
		case p == ErrorAll:
			return true
		case p == ErrorTaskFailed && name != ErrorTimeout:
			return true
		}
	}
	return false
}

// Delay is the wait before retry number attempt (0 for the first retry).
// r may be nil when JitterStrategy is not FULL.
func (rt *Retrier) Delay(attempt int, r *rand.Rand) time.Duration {
	secs := float64(rt.IntervalSeconds) * math.Pow(rt.BackoffRate, float64(attempt))
	if rt.MaxDelaySeconds > 0 && secs > float64(rt.MaxDelaySeconds) {
		secs = float64(rt.MaxDelaySeconds)
	}
	d := time.Duration(secs * float64(time.Second))
	if rt.JitterStrategy == "FULL" && r != nil && d > 0 {
		d = time.Duration(r.Int64N(int64(d)))
	}
	return d
}

func (r *reader) retriers() []Retrier {
	return eachObject(r, "Retry", func(sub *reader) Retrier {
		rt := Retrier{
			ErrorEquals:     sub.strings("ErrorEquals"),
			IntervalSeconds: 1,
			MaxAttempts:     3,
			BackoffRate:     2,
			MaxDelaySeconds: sub.integer("MaxDelaySeconds"),
			JitterStrategy:  sub.str("JitterStrategy"),
		}
		if sub.has("IntervalSeconds") {
			rt.IntervalSeconds = sub.integer("IntervalSeconds")
		}
		if sub.has("MaxAttempts") {
			rt.MaxAttempts = sub.integer("MaxAttempts")
		}
		if sub.has("BackoffRate") {
			rt.BackoffRate = sub.number("BackoffRate")
		}
		return rt
	})
}

func (r *reader) catchers(lang string) []Catcher {
	return eachObject(r, "Catch", func(sub *reader) Catcher {
		c := Catcher{
			ErrorEquals: sub.strings("ErrorEquals"),
			Next:        sub.requiredStr("Next"),
		}
		if lang == JSONata {
			sub.rejectJSONPathFields("ResultPath")
			c.Output = sub.value("Output")
		} else {
			sub.rejectJSONataFields("Output")
			c.ResultPath = sub.referencePath("ResultPath")
		}
		c.Assign = sub.assign(lang)
		return c
	})
}
