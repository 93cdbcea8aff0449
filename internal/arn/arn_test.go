package arn_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/arn"
)

func TestParse(t *testing.T) {
	t.Parallel()
	a, err := arn.Parse("arn:aws-cn:lambda:cn-north-1:123:function:f:live")
	require.NoError(t, err)
	require.Equal(t, arn.ARN{Partition: "aws-cn", Service: "lambda", Region: "cn-north-1", Account: "123", Resource: "function:f:live"}, a)
	require.Equal(t, "arn:aws-cn:lambda:cn-north-1:123:function:f:live", a.String())
	for _, p := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso-b"} {
		_, err := arn.Parse("arn:" + p + ":states:r:a:activity:x")
		require.NoError(t, err, p)
	}
	for _, bad := range []string{"", "greet", "arn:aws:states", "arn:gcp:states:r:a:activity:x", "urn:aws:states:r:a:activity:x",
		"arn:aws-:s:r:a:x", "arn:aws--cn:s:r:a:x", "arn:awscn:s:r:a:x", "arn:aws-CN:s:r:a:x", "arn:aws-cn-:s:r:a:x"} {
		_, err := arn.Parse(bad)
		require.Error(t, err, bad)
	}
}

func TestStateMachine(t *testing.T) {
	t.Parallel()
	sp := arn.Space{Region: "eu-west-1", Account: "42"}
	cases := []struct {
		in   string
		want arn.StateMachine
	}{
		{sp.StateMachine("greet"), arn.StateMachine{Space: arn.Space{Partition: "aws", Region: "eu-west-1", Account: "42"}, Name: "greet"}},
		{sp.Version("greet", 3), arn.StateMachine{Space: arn.Space{Partition: "aws", Region: "eu-west-1", Account: "42"}, Name: "greet", Version: 3}},
		{"arn:aws-us-gov:states:r:a:stateMachine:greet:prod", arn.StateMachine{Space: arn.Space{Partition: "aws-us-gov", Region: "r", Account: "a"}, Name: "greet", Alias: "prod"}},
	}
	for _, c := range cases {
		got, err := arn.ParseStateMachine(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, got)
		require.Equal(t, c.in, got.String())
		require.Equal(t, "greet", arn.Name(c.in))
	}
	for _, bad := range []string{
		"arn:aws:states:r:a:stateMachine:",
		"arn:aws:states:r:a:stateMachine:a:1:2",
		"arn:aws:states:r:a:stateMachine:a:0",
		"arn:aws:states:r:a:execution:a:b",
		"arn:aws:lambda:r:a:stateMachine:a",
	} {
		_, err := arn.ParseStateMachine(bad)
		require.Error(t, err, bad)
	}
}

func TestExecution(t *testing.T) {
	t.Parallel()
	sp := arn.Space{Partition: "aws", Region: "us-east-1", Account: "000000000000"}
	s := sp.Execution("greet", "first")
	e, err := arn.ParseExecution(s)
	require.NoError(t, err)
	require.Equal(t, arn.Execution{Space: sp, Machine: "greet", Name: "first"}, e)
	require.Equal(t, sp.StateMachine("greet"), e.StateMachine())
	require.Equal(t, s, e.String())
	require.Equal(t, "first", arn.Name(s))

	x, err := arn.ParseExecution("arn:aws:states:us-east-1:000000000000:express:greet:run:1")
	require.NoError(t, err, "an express ARN has a machine, a name and an id")
	require.Equal(t, arn.Execution{Space: sp, Machine: "greet", Name: "run", Express: true, ID: "1"}, x)
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:express:greet:run:1", x.String())
	_, err = arn.ParseExecution("arn:aws:states:us-east-1:000000000000:express:greet:run:1:2")
	require.Error(t, err)
	x, err = arn.ParseExecution("arn:aws:states:us-east-1:000000000000:express:greet:run")
	require.NoError(t, err)
	require.True(t, x.Express)
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:express:greet:run", x.String())

	_, err = arn.ParseExecution("arn:aws:states:r:a:execution:greet")
	require.ErrorContains(t, err, "is not an execution ARN")
}

func TestActivity(t *testing.T) {
	t.Parallel()
	sp := arn.Space{Region: "r", Account: "a"}
	a, err := arn.ParseActivity(sp.Activity("review"))
	require.NoError(t, err)
	require.Equal(t, "review", a.Name)
	require.Equal(t, "arn:aws:states:r:a:activity:review", a.String())
	require.Equal(t, "review", arn.Name("review"))
	require.Equal(t, "", arn.Name("arn:aws:lambda:r:a:function:f"))
	require.Equal(t, "arn:aws:iam::a:role/stepwise", sp.Role("stepwise"))
	require.True(t, arn.IsActivity(sp.Activity("review")))
	require.True(t, arn.IsActivity("arn:aws-cn:states:::activity:review"))
	for _, s := range []string{"review", "arn:aws:states:r:a:activity:", "arn:aws:states:r:a:activity:a:b",
		"arn:aws:lambda:r:a:activity:x", "arn:aws:states:::lambda:invoke", "arn:gcp:states:r:a:activity:x"} {
		require.False(t, arn.IsActivity(s), s)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("arn:aws:states:us-east-1:1:stateMachine:greet:2")
	f.Add("arn:aws:states:us-east-1:1:execution:greet:x")
	f.Fuzz(func(t *testing.T, s string) {
		if a, err := arn.Parse(s); err == nil {
			require.Equal(t, s, a.String())
		}
		if m, err := arn.ParseStateMachine(s); err == nil {
			require.Equal(t, s, m.String())
		}
		if e, err := arn.ParseExecution(s); err == nil {
			require.Equal(t, s, e.String())
		}
	})
}

func TestConnection(t *testing.T) {
	t.Parallel()
	s := arn.Space{Region: "eu-west-1", Account: "123456789012"}
	full := s.Connection("stripe", "81210c42")
	require.Equal(t, "arn:aws:events:eu-west-1:123456789012:connection/stripe/81210c42", full)
	ref, err := arn.ParseConnection(full)
	require.NoError(t, err)
	require.Equal(t, arn.ConnectionRef{Name: "stripe", ID: "81210c42"}, ref)
	require.Equal(t, "81210c42", arn.ConnectionID(full))
	ref, err = arn.ParseConnection("stripe")
	require.NoError(t, err)
	require.Equal(t, arn.ConnectionRef{Name: "stripe"}, ref)
	for _, bad := range []string{"arn:aws:states:us-east-1:1:connection/x/y", "arn:aws:events:us-east-1:1:rule/x", "arn:aws:events:us-east-1:1:connection//y", "arn:aws:events:us-east-1:1:connection/x/y/z"} {
		_, err := arn.ParseConnection(bad)
		require.Error(t, err, bad)
	}
}
