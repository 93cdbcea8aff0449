package main

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
)

// TestParseFlags checks that flags may follow positional arguments and
// that a task token starting with "-" stays positional.
func TestParseFlags(t *testing.T) {
	t.Parallel()
	const dashed = "-z_jm4ys9nTJ__paUwAdpPQumb-BK-SFAkU_GGtQDJ8"
	tests := []struct {
		name       string
		args       []string
		positional []string
		output     string
		err        string
	}{
		{"flags after", []string{"tok", "--output", "{}"}, []string{"tok"}, "{}", ""},
		{"flags before", []string{"--output", "{}", "tok"}, []string{"tok"}, "{}", ""},
		{"dashed token first", []string{dashed, "--output", "{}"}, []string{dashed}, "{}", ""},
		{"dashed token last", []string{"--output", "{}", dashed}, []string{dashed}, "{}", ""},
		{"double-dashed token", []string{"-" + dashed[:42], "--output={}"}, []string{"-" + dashed[:42]}, "{}", ""},
		{"unknown flag", []string{"--bogus", "tok"}, nil, "", "flag provided but not defined: -bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := flag.NewFlagSet("task success", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			output := fs.String("output", "", "")
			err := parseFlags(fs, tt.args)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.positional, fs.Args())
			require.Equal(t, tt.output, *output)
		})
	}
}

// TestHTTPTaskFlags: a bad --http-allow or --http-deny entry is refused
// before anything starts, naming the flag and the entry.
func TestHTTPTaskFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"worker", "--http-allow", "10.0.0.0/33"},
		{"serve", "--insecure-no-auth", "--http-deny", "bad host!"},
	} {
		code, _, stderr := cli(t, args...)
		require.Equal(t, 1, code, "%v: %s", args, stderr)
		require.Contains(t, stderr, "--http-allow or --http-deny")
	}
	require.Equal(t, []string{"a.example", "*.b.example", "10.0.0.0/8"}, splitList(" a.example,*.b.example ,,10.0.0.0/8"))
}

// TestBindActivityFlag: --bind-activity takes repeated NAME=ACTIVITY
// bindings and refuses a bad one before anything starts, as does worker
// without --drive.
func TestBindActivityFlag(t *testing.T) {
	t.Parallel()
	b := activityBindings{}
	require.NoError(t, b.Set("sqs:sendMessage=sqs-workers"))
	require.NoError(t, b.Set("aws-sdk:s3:*=arn:aws:states:us-east-1:000000000000:activity:s3"))
	require.Equal(t, "aws-sdk:s3:*=arn:aws:states:us-east-1:000000000000:activity:s3,sqs:sendMessage=sqs-workers", b.String())
	require.Nil(t, activityBindings{}.config())
	for _, tt := range []struct{ args []string }{
		{[]string{"serve", "--insecure-no-auth", "--bind-activity", "sqs:sendMessage"}},
		{[]string{"serve", "--insecure-no-auth", "--bind-activity", "http:invoke=web"}},
		{[]string{"serve", "--insecure-no-auth", "--bind-activity", "lambda:invoke=fns"}},
		{[]string{"serve", "--insecure-no-auth", "--bind-activity", "sqs:sendMessage=a/b"}},
		{[]string{"dev", "--bind-activity", "sqs:sendMessage=a", "--bind-activity", "sqs:sendMessage=b"}},
		{[]string{"worker", "--bind-activity", "sqs:sendMessage=a"}},
	} {
		code, _, stderr := cli(t, tt.args...)
		require.Equal(t, 2, code, "%v: %s", tt.args, stderr)
	}
	_, _, stderr := cli(t, "worker", "--bind-activity", "sqs:sendMessage=a")
	require.Contains(t, stderr, "--bind-activity needs --drive")
	_, _, stderr = cli(t, "serve", "--insecure-no-auth", "--bind-activity", "http:invoke=web")
	require.Contains(t, stderr, "cannot be bound to an activity")
}

// TestLogFlags: an unknown --log-sink or a negative --log-retention is
// refused before anything starts, naming the flag.
func TestLogFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"worker", "--log-sink", "cloudwatch"}, `--log-sink "cloudwatch": want postgres, stdout or none`},
		{[]string{"serve", "--insecure-no-auth", "--log-sink", "bogus"}, `--log-sink "bogus"`},
		{[]string{"dev", "--log-sink", "files"}, `--log-sink "files"`},
	} {
		code, _, stderr := cli(t, tc.args...)
		require.Equal(t, 2, code, "%v: %s", tc.args, stderr)
		require.Contains(t, stderr, tc.want)
	}
	f := &logFlags{sink: "none", retention: -time.Hour}
	require.ErrorContains(t, f.check(), "--log-retention -1h0m0s")
}

// TestRetentionFlag reads --retention as a Go duration or whole days into
// engine.Config.RetentionPeriod, and refuses anything else.
func TestRetentionFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  time.Duration
		err   string
	}{
		{"", 0, ""},
		{"90d", 90 * 24 * time.Hour, ""},
		{"36h", 36 * time.Hour, ""},
		{"-1s", -time.Second, ""},
		{"soon", 0, `--retention (or $STEPWISE_RETENTION) "soon": want a duration such as 2160h or 90d`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			r := addRoutingFlags(fs)
			require.NoError(t, fs.Parse([]string{"--retention", tt.value}))
			cfg, err := r.apply(&engine.Config{})
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, cfg.RetentionPeriod)
		})
	}
}
