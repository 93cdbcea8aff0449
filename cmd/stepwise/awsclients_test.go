package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/awsclients"
)

// The state machines and role of the operation cases.
const (
	roleARN = "arn:aws:iam::000000000000:role/stepwise"
	passDef = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"ResultPath":"$.pass","End":true}}}`
	nextDef = `{"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}}`
	badDef  = `{"StartAt":"Nowhere","States":{"P":{"Type":"Pass","End":true}}}`
)

// The configuration a client sends with CreateStateMachine and reads back
// from DescribeStateMachine: a role other than the one Stepwise answers
// for machines created without one, tracing, and a customer's KMS key.
const (
	configuredRole = "arn:aws:iam::000000000000:role/configured"
	encryptionJSON = `{"type":"CUSTOMER_MANAGED_KMS_KEY","kmsKeyId":"arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab","kmsDataKeyReusePeriodSeconds":300}`
)

// machineConfig is the configuration DescribeStateMachine answers, as a
// client decodes it.
type machineConfig struct {
	RoleArn                 string
	TracingConfiguration    struct{ Enabled bool }
	EncryptionConfiguration struct {
		Type                         string
		KmsKeyID                     string `json:"kmsKeyId"`
		KmsDataKeyReusePeriodSeconds int
	}
}

// requireConfigured checks that an answer of DescribeStateMachine has the
// configuration of configuredRole and encryptionJSON, with tracing.
func requireConfigured(t *testing.T, out awsclients.Answer) {
	t.Helper()
	var got machineConfig
	out.Decode(t, &got)
	require.Equal(t, configuredRole, got.RoleArn)
	require.True(t, got.TracingConfiguration.Enabled)
	var want machineConfig
	want.RoleArn, want.TracingConfiguration.Enabled = configuredRole, true
	require.NoError(t, json.Unmarshal([]byte(encryptionJSON), &want.EncryptionConfiguration))
	require.Equal(t, want, got)
}

// describeAnswer is DescribeStateMachine's answer to the Go SDK, as the
// other clients' answers are checked.
func (f *awsFixture) describeAnswer(t *testing.T, machine string) awsclients.Answer {
	t.Helper()
	described, err := f.client.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(machine)})
	require.NoError(t, err)
	data, err := json.Marshal(struct {
		RoleArn                 *string                        `json:"roleArn"`
		TracingConfiguration    *types.TracingConfiguration    `json:"tracingConfiguration"`
		EncryptionConfiguration *types.EncryptionConfiguration `json:"encryptionConfiguration"`
	}{described.RoleArn, described.TracingConfiguration, described.EncryptionConfiguration})
	require.NoError(t, err)
	var out awsclients.Answer
	require.NoError(t, json.Unmarshal(data, &out))
	return out
}

// awsFixture is a served Stepwise, with API keys, and what the operation
// cases make on it with the Go SDK before a client calls.
type awsFixture struct {
	endpoint awsclients.Endpoint
	client   *sfn.Client
	n        atomic.Int64
}

// serveForClients serves Stepwise on a fresh database with the API keys
// of writeKeys and extra flags.
func serveForClients(t *testing.T, extra ...string) *awsFixture {
	t.Helper()
	srv := startServe(t, append([]string{"--api-keys", writeKeys(t), "--listen", "127.0.0.1:0", "--database=" + freshDatabase(t)}, extra...)...)
	e := awsclients.Endpoint{URL: srv.url, AccessKeyID: "AKIAADMIN"}
	return &awsFixture{endpoint: e, client: awsclients.GoClient(e)}
}

// name returns a name no other case uses.
func (f *awsFixture) name(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, f.n.Add(1))
}

// machine creates a state machine of a type (STANDARD or EXPRESS) and
// definition and returns its ARN and name.
func (f *awsFixture) machine(t *testing.T, typ types.StateMachineType, definition string) (string, string) {
	t.Helper()
	name := f.name("machine")
	out, err := f.client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(name),
		Definition: aws.String(definition), RoleArn: aws.String(roleARN), Type: typ})
	require.NoError(t, err)
	return aws.ToString(out.StateMachineArn), name
}

// start starts an execution of machine on input and returns its ARN.
func (f *awsFixture) start(t *testing.T, machine, input string) string {
	t.Helper()
	out, err := f.client.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(input)})
	require.NoError(t, err)
	return aws.ToString(out.ExecutionArn)
}

// wait waits for an execution to leave RUNNING and describes it.
func (f *awsFixture) wait(t *testing.T, execution string) *sfn.DescribeExecutionOutput {
	t.Helper()
	var out *sfn.DescribeExecutionOutput
	require.Eventually(t, func() bool {
		var err error
		out, err = f.client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(execution)})
		require.NoError(t, err)
		return out.Status != types.ExecutionStatusRunning
	}, time.Minute, 20*time.Millisecond, "execution %s did not finish", execution)
	return out
}

// describe describes an execution.
func (f *awsFixture) describe(t *testing.T, execution string) *sfn.DescribeExecutionOutput {
	t.Helper()
	out, err := f.client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(execution)})
	require.NoError(t, err)
	return out
}

// standard is a STANDARD state machine of passDef.
func (f *awsFixture) standard(t *testing.T) vars {
	t.Helper()
	machine, _ := f.machine(t, types.StateMachineTypeStandard, passDef)
	return vars{"machine": machine}
}

// published is a STANDARD machine with its version 1 published.
func (f *awsFixture) published(t *testing.T) vars {
	t.Helper()
	v := f.standard(t)
	out, err := f.client.PublishStateMachineVersion(context.Background(), &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(v["machine"])})
	require.NoError(t, err)
	v["version"] = aws.ToString(out.StateMachineVersionArn)
	return v
}

// aliased is published with an alias "live" routing all starts to the
// version.
func (f *awsFixture) aliased(t *testing.T) vars {
	t.Helper()
	v := f.published(t)
	out, err := f.client.CreateStateMachineAlias(context.Background(), &sfn.CreateStateMachineAliasInput{Name: aws.String("live"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(v["version"]), Weight: 100}}})
	require.NoError(t, err)
	v["alias"] = aws.ToString(out.StateMachineAliasArn)
	return v
}

// tagged is a STANDARD machine tagged team=orders and env=dev.
func (f *awsFixture) tagged(t *testing.T) vars {
	t.Helper()
	v := f.standard(t)
	_, err := f.client.TagResource(context.Background(), &sfn.TagResourceInput{ResourceArn: aws.String(v["machine"]),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("orders")}, {Key: aws.String("env"), Value: aws.String("dev")}}})
	require.NoError(t, err)
	return v
}

// tags lists a resource's tags as key=value, read with the Go SDK.
func (f *awsFixture) tags(t *testing.T, resource string) []string {
	t.Helper()
	out, err := f.client.ListTagsForResource(context.Background(), &sfn.ListTagsForResourceInput{ResourceArn: aws.String(resource)})
	require.NoError(t, err)
	var kv []string
	for _, tag := range out.Tags {
		kv = append(kv, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
	}
	return kv
}

// finished is a SUCCEEDED execution of passDef on {"n":1}.
func (f *awsFixture) finished(t *testing.T) vars {
	t.Helper()
	machine, _ := f.machine(t, types.StateMachineTypeStandard, passDef)
	execution := f.start(t, machine, `{"n":1}`)
	require.Equal(t, types.ExecutionStatusSucceeded, f.wait(t, execution).Status)
	return vars{"machine": machine, "execution": execution}
}

// activity creates an activity and returns its ARN and name.
func (f *awsFixture) activity(t *testing.T) (string, string) {
	t.Helper()
	name := f.name("activity")
	out, err := f.client.CreateActivity(context.Background(), &sfn.CreateActivityInput{Name: aws.String(name)})
	require.NoError(t, err)
	return aws.ToString(out.ActivityArn), name
}

// newActivity is a new activity.
func (f *awsFixture) newActivity(t *testing.T) vars {
	t.Helper()
	activity, _ := f.activity(t)
	return vars{"activity": activity}
}

// waiting is an execution waiting at a Task on a new activity, on input
// {"box":7}.
func (f *awsFixture) waiting(t *testing.T) vars {
	t.Helper()
	activity, _ := f.activity(t)
	machine, _ := f.machine(t, types.StateMachineTypeStandard,
		`{"StartAt":"Pack","States":{"Pack":{"Type":"Task","Resource":"`+activity+`","End":true}}}`)
	return vars{"activity": activity, "machine": machine, "execution": f.start(t, machine, `{"box":7}`)}
}

// taken is a waiting execution whose task a worker has taken ({token}).
func (f *awsFixture) taken(t *testing.T) vars {
	t.Helper()
	v := f.waiting(t)
	task, err := f.client.GetActivityTask(context.Background(), &sfn.GetActivityTaskInput{ActivityArn: aws.String(v["activity"])})
	require.NoError(t, err)
	require.NotEmpty(t, aws.ToString(task.TaskToken))
	v["token"] = aws.ToString(task.TaskToken)
	return v
}

// waitingMapDef is a Distributed Map whose one child at a time waits an
// hour, so its Map run stays RUNNING.
const waitingMapDef = `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"W",
		"States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}},"End":true}}}`

// mapping is an execution in a Distributed Map whose Map run is RUNNING
// ({execution}, {mapRun}).
func (f *awsFixture) mapping(t *testing.T) vars {
	t.Helper()
	machine, _ := f.machine(t, types.StateMachineTypeStandard, waitingMapDef)
	execution := f.start(t, machine, `{"items":[1,2,3]}`)
	var mapRun string
	require.Eventually(t, func() bool {
		out, err := f.client.ListMapRuns(context.Background(), &sfn.ListMapRunsInput{ExecutionArn: aws.String(execution)})
		require.NoError(t, err)
		if len(out.MapRuns) == 1 {
			mapRun = aws.ToString(out.MapRuns[0].MapRunArn)
		}
		return mapRun != ""
	}, time.Minute, 20*time.Millisecond, "execution %s started no Map run", execution)
	return vars{"machine": machine, "execution": execution, "mapRun": mapRun}
}

// vars are the values an operation case's arguments name as {key}.
type vars map[string]string

// cli replaces the {key}s of CLI arguments.
func (v vars) cli(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		for k, val := range v {
			a = strings.ReplaceAll(a, "{"+k+"}", val)
		}
		out[i] = a
	}
	return out
}

// js replaces the {key}s of a JS SDK input, inside JSON strings.
func (v vars) js(input string) string {
	for k, val := range v {
		quoted, _ := json.Marshal(val)
		input = strings.ReplaceAll(input, "{"+k+"}", string(quoted[1:len(quoted)-1]))
	}
	return input
}

// jsonString is s as a JSON string, for a definition in a JS SDK input.
func jsonString(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

// operationCase calls one operation of the AWS protocol with the AWS CLI
// and with the JS SDK, each on what setup made, and checks the answer,
// which has the same field names from both.
type operationCase struct {
	// setup makes what the call needs with the Go SDK; nil makes nothing.
	setup func(f *awsFixture, t *testing.T) vars
	// cli are the arguments after `aws stepfunctions OPERATION`.
	cli []string
	// js is the input of the JS SDK's command, a JSON object.
	js string
	// check checks the answer; nil checks nothing more than success.
	check func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer)
}

// operationCases holds a case for every operation Stepwise serves on the
// AWS protocol, by name: TestAWSClients fails when one is missing.
var operationCases = map[string]operationCase{
	"CreateStateMachine": {
		setup: func(f *awsFixture, t *testing.T) vars { return vars{"name": f.name("created")} },
		cli: []string{"--name", "{name}", "--role-arn", configuredRole, "--definition", passDef, "--type", "STANDARD",
			"--tracing-configuration", "enabled=true", "--encryption-configuration", encryptionJSON},
		js: `{"name":"{name}","roleArn":"` + configuredRole + `","definition":` + jsonString(passDef) + `,"type":"STANDARD",` +
			`"tracingConfiguration":{"enabled":true},"encryptionConfiguration":` + encryptionJSON + `}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.True(t, strings.HasSuffix(out.String("stateMachineArn"), ":stateMachine:"+v["name"]), "%v", out)
			require.NotEmpty(t, out.String("creationDate"))
			requireConfigured(t, f.describeAnswer(t, out.String("stateMachineArn")))
		},
	},
	"UpdateStateMachine": {
		setup: (*awsFixture).standard,
		cli:   []string{"--state-machine-arn", "{machine}", "--definition", nextDef, "--role-arn", configuredRole},
		js:    `{"stateMachineArn":"{machine}","definition":` + jsonString(nextDef) + `,"roleArn":"` + configuredRole + `"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.NotEmpty(t, out.String("updateDate"))
			described, err := f.client.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v["machine"])})
			require.NoError(t, err)
			require.JSONEq(t, nextDef, aws.ToString(described.Definition))
			require.Equal(t, configuredRole, aws.ToString(described.RoleArn))
		},
	},
	"DescribeStateMachine": {
		setup: func(f *awsFixture, t *testing.T) vars {
			name := f.name("configured")
			var encryption types.EncryptionConfiguration
			require.NoError(t, json.Unmarshal([]byte(encryptionJSON), &encryption))
			out, err := f.client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(name),
				Definition: aws.String(passDef), RoleArn: aws.String(configuredRole), Type: types.StateMachineTypeExpress,
				TracingConfiguration: &types.TracingConfiguration{Enabled: true}, EncryptionConfiguration: &encryption})
			require.NoError(t, err)
			return vars{"machine": aws.ToString(out.StateMachineArn), "name": name}
		},
		cli: []string{"--state-machine-arn", "{machine}"},
		js:  `{"stateMachineArn":"{machine}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.Equal(t, v["machine"], out.String("stateMachineArn"))
			require.Equal(t, v["name"], out.String("name"))
			require.Equal(t, "ACTIVE", out.String("status"))
			require.Equal(t, "EXPRESS", out.String("type"))
			require.JSONEq(t, passDef, out.String("definition"))
			require.NotEmpty(t, out.String("creationDate"))
			require.NotEmpty(t, out.String("revisionId"))
			requireConfigured(t, out)
		},
	},
	"DescribeStateMachineForExecution": {
		setup: (*awsFixture).finished,
		cli:   []string{"--execution-arn", "{execution}"},
		js:    `{"executionArn":"{execution}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.Equal(t, v["machine"], out.String("stateMachineArn"))
			require.JSONEq(t, passDef, out.String("definition"))
			require.NotEmpty(t, out.String("updateDate"))
		},
	},
	"ListStateMachines": {
		setup: (*awsFixture).standard,
		js:    `{"maxResults":1000}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			var listed struct {
				StateMachines []struct{ StateMachineArn, Name, Type, CreationDate string }
			}
			out.Decode(t, &listed)
			var found bool
			for _, m := range listed.StateMachines {
				found = found || m.StateMachineArn == v["machine"] && m.Type == "STANDARD" && m.CreationDate != ""
			}
			require.True(t, found, "%v", out)
		},
	},
	"DeleteStateMachine": {
		setup: (*awsFixture).standard,
		cli:   []string{"--state-machine-arn", "{machine}"},
		js:    `{"stateMachineArn":"{machine}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			described, err := f.client.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v["machine"])})
			var missing *types.StateMachineDoesNotExist
			if !errors.As(err, &missing) {
				require.NoError(t, err)
				require.Equal(t, types.StateMachineStatusDeleting, described.Status)
			}
		},
	},
	"ValidateStateMachineDefinition": {
		cli: []string{"--definition", badDef},
		js:  `{"definition":` + jsonString(badDef) + `}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			var validated struct {
				Result      string
				Diagnostics []struct{ Severity, Code, Message string }
			}
			out.Decode(t, &validated)
			require.Equal(t, "FAIL", validated.Result)
			require.NotEmpty(t, validated.Diagnostics)
			require.Equal(t, "ERROR", validated.Diagnostics[0].Severity)
			require.NotEmpty(t, validated.Diagnostics[0].Code)
		},
	},
	"StartExecution": {
		setup: func(f *awsFixture, t *testing.T) vars {
			machine, _ := f.machine(t, types.StateMachineTypeStandard, passDef)
			return vars{"machine": machine, "name": f.name("run")}
		},
		cli: []string{"--state-machine-arn", "{machine}", "--name", "{name}", "--input", `{"n":1}`},
		js:  `{"stateMachineArn":"{machine}","name":"{name}","input":"{\"n\":1}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.True(t, strings.HasSuffix(out.String("executionArn"), ":"+v["name"]), "%v", out)
			require.NotEmpty(t, out.String("startDate"))
			done := f.wait(t, out.String("executionArn"))
			require.Equal(t, types.ExecutionStatusSucceeded, done.Status)
			require.JSONEq(t, `{"n":1,"pass":{"ok":true}}`, aws.ToString(done.Output))
		},
	},
	"StartSyncExecution": {
		setup: func(f *awsFixture, t *testing.T) vars {
			machine, _ := f.machine(t, types.StateMachineTypeExpress, passDef)
			return vars{"machine": machine}
		},
		cli: []string{"--state-machine-arn", "{machine}", "--input", `{"n":1}`},
		js:  `{"stateMachineArn":"{machine}","input":"{\"n\":1}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.Equal(t, "SUCCEEDED", out.String("status"))
			require.Equal(t, v["machine"], out.String("stateMachineArn"))
			require.Contains(t, out.String("executionArn"), ":express:")
			require.JSONEq(t, `{"n":1,"pass":{"ok":true}}`, out.String("output"))
			require.NotEmpty(t, out.String("stopDate"))
		},
	},
	"DescribeExecution": {
		setup: (*awsFixture).finished,
		cli:   []string{"--execution-arn", "{execution}"},
		js:    `{"executionArn":"{execution}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.Equal(t, v["execution"], out.String("executionArn"))
			require.Equal(t, v["machine"], out.String("stateMachineArn"))
			require.Equal(t, "SUCCEEDED", out.String("status"))
			require.JSONEq(t, `{"n":1}`, out.String("input"))
			require.JSONEq(t, `{"n":1,"pass":{"ok":true}}`, out.String("output"))
			require.NotEmpty(t, out.String("startDate"))
			require.NotEmpty(t, out.String("stopDate"))
		},
	},
	"DescribeMapRun": {
		setup: (*awsFixture).mapping,
		cli:   []string{"--map-run-arn", "{mapRun}"},
		js:    `{"mapRunArn":"{mapRun}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			var described struct {
				MapRunArn, ExecutionArn, Status string
				MaxConcurrency                  int
				ExecutionCounts                 struct{ Running, Pending, Total int }
			}
			out.Decode(t, &described)
			require.Equal(t, v["mapRun"], described.MapRunArn)
			require.Equal(t, v["execution"], described.ExecutionArn)
			require.Equal(t, "RUNNING", described.Status)
			require.Equal(t, 1, described.MaxConcurrency)
			require.Equal(t, 1, described.ExecutionCounts.Running)
		},
	},
	"ListMapRuns": {
		setup: (*awsFixture).mapping,
		cli:   []string{"--execution-arn", "{execution}"},
		js:    `{"executionArn":"{execution}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			var listed struct {
				MapRuns []struct{ MapRunArn, ExecutionArn, StateMachineArn, StartDate string }
			}
			out.Decode(t, &listed)
			require.Len(t, listed.MapRuns, 1)
			require.Equal(t, v["mapRun"], listed.MapRuns[0].MapRunArn)
			require.Equal(t, v["execution"], listed.MapRuns[0].ExecutionArn)
			require.Equal(t, v["machine"], listed.MapRuns[0].StateMachineArn)
			require.NotEmpty(t, listed.MapRuns[0].StartDate)
		},
	},
	"UpdateMapRun": {
		setup: (*awsFixture).mapping,
		cli:   []string{"--map-run-arn", "{mapRun}", "--max-concurrency", "2", "--tolerated-failure-count", "1"},
		js:    `{"mapRunArn":"{mapRun}","maxConcurrency":2,"toleratedFailureCount":1}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			described, err := f.client.DescribeMapRun(context.Background(), &sfn.DescribeMapRunInput{MapRunArn: aws.String(v["mapRun"])})
			require.NoError(t, err)
			require.Equal(t, int32(2), described.MaxConcurrency)
			require.Equal(t, int64(1), described.ToleratedFailureCount)
			require.Eventually(t, func() bool {
				d, err := f.client.DescribeMapRun(context.Background(), &sfn.DescribeMapRunInput{MapRunArn: aws.String(v["mapRun"])})
				require.NoError(t, err)
				return d.ExecutionCounts.Running == 2
			}, 10*time.Second, 20*time.Millisecond, "a second child starts")
		},
	},
	"ListExecutions": {
		setup: (*awsFixture).finished,
		cli:   []string{"--state-machine-arn", "{machine}", "--status-filter", "SUCCEEDED"},
		js:    `{"stateMachineArn":"{machine}","statusFilter":"SUCCEEDED"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			var listed struct {
				Executions []struct{ ExecutionArn, Status, StartDate string }
			}
			out.Decode(t, &listed)
			require.Len(t, listed.Executions, 1)
			require.Equal(t, v["execution"], listed.Executions[0].ExecutionArn)
			require.Equal(t, "SUCCEEDED", listed.Executions[0].Status)
			require.NotEmpty(t, listed.Executions[0].StartDate)
		},
	},
	"StopExecution": {
		setup: (*awsFixture).waiting,
		cli:   []string{"--execution-arn", "{execution}", "--error", "Test.Stopped", "--cause", "by the test"},
		js:    `{"executionArn":"{execution}","error":"Test.Stopped","cause":"by the test"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.NotEmpty(t, out.String("stopDate"))
			done := f.wait(t, v["execution"])
			require.Equal(t, types.ExecutionStatusAborted, done.Status)
			require.Equal(t, "Test.Stopped", aws.ToString(done.Error))
		},
	},
	"RedriveExecution": {
		setup: func(f *awsFixture, t *testing.T) vars {
			v := f.taken(t)
			_, err := f.client.SendTaskFailure(context.Background(), &sfn.SendTaskFailureInput{TaskToken: aws.String(v["token"]), Error: aws.String("Busy")})
			require.NoError(t, err)
			require.Equal(t, types.ExecutionStatusFailed, f.wait(t, v["execution"]).Status)
			return v
		},
		cli: []string{"--execution-arn", "{execution}"},
		js:  `{"executionArn":"{execution}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.NotEmpty(t, out.String("redriveDate"))
			described := f.describe(t, v["execution"])
			require.Equal(t, types.ExecutionStatusRunning, described.Status)
			require.Equal(t, int32(1), aws.ToInt32(described.RedriveCount))
		},
	},
	"GetExecutionHistory": {
		setup: (*awsFixture).finished,
		cli:   []string{"--execution-arn", "{execution}"},
		js:    `{"executionArn":"{execution}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			var history struct {
				Events []struct {
					Type      string
					ID        int `json:"id"`
					Timestamp string
				}
			}
			out.Decode(t, &history)
			require.GreaterOrEqual(t, len(history.Events), 4)
			require.Equal(t, "ExecutionStarted", history.Events[0].Type)
			require.Equal(t, 1, history.Events[0].ID)
			require.NotEmpty(t, history.Events[0].Timestamp)
			require.Equal(t, "ExecutionSucceeded", history.Events[len(history.Events)-1].Type)
		},
	},
	"SendTaskSuccess": {
		setup: (*awsFixture).taken,
		cli:   []string{"--task-token={token}", "--task-output", `{"packed":true}`},
		js:    `{"taskToken":"{token}","output":"{\"packed\":true}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			done := f.wait(t, v["execution"])
			require.Equal(t, types.ExecutionStatusSucceeded, done.Status)
			require.JSONEq(t, `{"packed":true}`, aws.ToString(done.Output))
		},
	},
	"SendTaskFailure": {
		setup: (*awsFixture).taken,
		cli:   []string{"--task-token={token}", "--error", "Box.Torn", "--cause", "no tape"},
		js:    `{"taskToken":"{token}","error":"Box.Torn","cause":"no tape"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			done := f.wait(t, v["execution"])
			require.Equal(t, types.ExecutionStatusFailed, done.Status)
			require.Equal(t, "Box.Torn", aws.ToString(done.Error))
			require.Equal(t, "no tape", aws.ToString(done.Cause))
		},
	},
	"SendTaskHeartbeat": {
		setup: (*awsFixture).taken,
		cli:   []string{"--task-token={token}"},
		js:    `{"taskToken":"{token}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.Empty(t, out)
			require.Equal(t, types.ExecutionStatusRunning, f.describe(t, v["execution"]).Status)
		},
	},
	"CreateActivity": {
		setup: func(f *awsFixture, t *testing.T) vars { return vars{"name": f.name("created")} },
		cli:   []string{"--name", "{name}"},
		js:    `{"name":"{name}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.True(t, strings.HasSuffix(out.String("activityArn"), ":activity:"+v["name"]), "%v", out)
			require.NotEmpty(t, out.String("creationDate"))
		},
	},
	"DescribeActivity": {
		setup: func(f *awsFixture, t *testing.T) vars {
			activity, name := f.activity(t)
			return vars{"activity": activity, "name": name}
		},
		cli: []string{"--activity-arn", "{activity}"},
		js:  `{"activityArn":"{activity}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.Equal(t, v["activity"], out.String("activityArn"))
			require.Equal(t, v["name"], out.String("name"))
			require.NotEmpty(t, out.String("creationDate"))
		},
	},
	"TagResource": {
		setup: (*awsFixture).standard,
		cli:   []string{"--resource-arn", "{machine}", "--tags", "key=team,value=orders", "key=env,value=dev"},
		js:    `{"resourceArn":"{machine}","tags":[{"key":"team","value":"orders"},{"key":"env","value":"dev"}]}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.Equal(t, []string{"env=dev", "team=orders"}, f.tags(t, v["machine"]))
		},
	},
	"UntagResource": {
		setup: (*awsFixture).tagged,
		cli:   []string{"--resource-arn", "{machine}", "--tag-keys", "team"},
		js:    `{"resourceArn":"{machine}","tagKeys":["team"]}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.Equal(t, []string{"env=dev"}, f.tags(t, v["machine"]))
		},
	},
	"ListTagsForResource": {
		setup: (*awsFixture).tagged,
		cli:   []string{"--resource-arn", "{machine}"},
		js:    `{"resourceArn":"{machine}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			var listed struct{ Tags []struct{ Key, Value string } }
			out.Decode(t, &listed)
			require.Equal(t, []struct{ Key, Value string }{{"env", "dev"}, {"team", "orders"}}, listed.Tags)
		},
	},
	"PublishStateMachineVersion": {
		setup: (*awsFixture).standard,
		cli:   []string{"--state-machine-arn", "{machine}", "--description", "first"},
		js:    `{"stateMachineArn":"{machine}","description":"first"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.Equal(t, v["machine"]+":1", out.String("stateMachineVersionArn"))
			require.NotEmpty(t, out.String("creationDate"))
		},
	},
	"ListStateMachineVersions": {
		setup: (*awsFixture).published,
		cli:   []string{"--state-machine-arn", "{machine}"},
		js:    `{"stateMachineArn":"{machine}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			var listed struct {
				StateMachineVersions []struct{ StateMachineVersionArn, CreationDate string }
			}
			out.Decode(t, &listed)
			require.Len(t, listed.StateMachineVersions, 1)
			require.Equal(t, v["version"], listed.StateMachineVersions[0].StateMachineVersionArn)
		},
	},
	"DeleteStateMachineVersion": {
		setup: (*awsFixture).published,
		cli:   []string{"--state-machine-version-arn", "{version}"},
		js:    `{"stateMachineVersionArn":"{version}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			listed, err := f.client.ListStateMachineVersions(context.Background(), &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(v["machine"])})
			require.NoError(t, err)
			require.Empty(t, listed.StateMachineVersions)
		},
	},
	"CreateStateMachineAlias": {
		setup: (*awsFixture).published,
		cli:   []string{"--name", "live", "--routing-configuration", "stateMachineVersionArn={version},weight=100"},
		js:    `{"name":"live","routingConfiguration":[{"stateMachineVersionArn":"{version}","weight":100}]}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.Equal(t, v["machine"]+":live", out.String("stateMachineAliasArn"))
			require.NotEmpty(t, out.String("creationDate"))
		},
	},
	"DescribeStateMachineAlias": {
		setup: (*awsFixture).aliased,
		cli:   []string{"--state-machine-alias-arn", "{alias}"},
		js:    `{"stateMachineAliasArn":"{alias}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			var alias struct {
				StateMachineAliasArn, Name string
				RoutingConfiguration       []struct {
					StateMachineVersionArn string
					Weight                 int
				}
			}
			out.Decode(t, &alias)
			require.Equal(t, v["alias"], alias.StateMachineAliasArn)
			require.Equal(t, "live", alias.Name)
			require.Equal(t, v["version"], alias.RoutingConfiguration[0].StateMachineVersionArn)
			require.Equal(t, 100, alias.RoutingConfiguration[0].Weight)
		},
	},
	"UpdateStateMachineAlias": {
		setup: (*awsFixture).aliased,
		cli:   []string{"--state-machine-alias-arn", "{alias}", "--description", "moved"},
		js:    `{"stateMachineAliasArn":"{alias}","description":"moved"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.NotEmpty(t, out.String("updateDate"))
			described, err := f.client.DescribeStateMachineAlias(context.Background(), &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(v["alias"])})
			require.NoError(t, err)
			require.Equal(t, "moved", aws.ToString(described.Description))
		},
	},
	"ListStateMachineAliases": {
		setup: (*awsFixture).aliased,
		cli:   []string{"--state-machine-arn", "{machine}"},
		js:    `{"stateMachineArn":"{machine}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			var listed struct {
				StateMachineAliases []struct{ StateMachineAliasArn string }
			}
			out.Decode(t, &listed)
			require.Len(t, listed.StateMachineAliases, 1)
			require.Equal(t, v["alias"], listed.StateMachineAliases[0].StateMachineAliasArn)
		},
	},
	"DeleteStateMachineAlias": {
		setup: (*awsFixture).aliased,
		cli:   []string{"--state-machine-alias-arn", "{alias}"},
		js:    `{"stateMachineAliasArn":"{alias}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			_, err := f.client.DescribeStateMachineAlias(context.Background(), &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(v["alias"])})
			var missing *types.ResourceNotFound
			require.ErrorAs(t, err, &missing)
		},
	},
	"ListActivities": {
		setup: (*awsFixture).newActivity,
		js:    `{"maxResults":1000}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			var listed struct {
				Activities []struct{ ActivityArn, Name, CreationDate string }
			}
			out.Decode(t, &listed)
			var found bool
			for _, a := range listed.Activities {
				found = found || a.ActivityArn == v["activity"] && a.CreationDate != ""
			}
			require.True(t, found, "%v", out)
		},
	},
	"DeleteActivity": {
		setup: (*awsFixture).newActivity,
		cli:   []string{"--activity-arn", "{activity}"},
		js:    `{"activityArn":"{activity}"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			_, err := f.client.DescribeActivity(context.Background(), &sfn.DescribeActivityInput{ActivityArn: aws.String(v["activity"])})
			var missing *types.ActivityDoesNotExist
			require.ErrorAs(t, err, &missing)
		},
	},
	"GetActivityTask": {
		setup: (*awsFixture).waiting,
		cli:   []string{"--activity-arn", "{activity}", "--worker-name", "packer-1"},
		js:    `{"activityArn":"{activity}","workerName":"packer-1"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.NotEmpty(t, out.String("taskToken"))
			require.JSONEq(t, `{"box":7}`, out.String("input"))
			_, err := f.client.SendTaskSuccess(context.Background(), &sfn.SendTaskSuccessInput{TaskToken: aws.String(out.String("taskToken")), Output: aws.String(`{}`)})
			require.NoError(t, err)
			require.Equal(t, types.ExecutionStatusSucceeded, f.wait(t, v["execution"]).Status)
		},
	},
	"TestState": {
		cli: []string{"--definition", `{"Type":"Pass","Parameters":{"sum.$":"States.MathAdd($.a, 1)"},"ResultPath":"$.r","Next":"Done"}`,
			"--role-arn", roleARN, "--input", `{"a":2}`, "--inspection-level", "DEBUG"},
		js: `{"definition":` + jsonString(`{"Type":"Pass","Parameters":{"sum.$":"States.MathAdd($.a, 1)"},"ResultPath":"$.r","Next":"Done"}`) +
			`,"roleArn":"` + roleARN + `","input":"{\"a\":2}","inspectionLevel":"DEBUG"}`,
		check: func(t *testing.T, f *awsFixture, v vars, out awsclients.Answer) {
			require.Equal(t, "SUCCEEDED", out.String("status"))
			require.Equal(t, "Done", out.String("nextState"))
			require.JSONEq(t, `{"a":2,"r":{"sum":3}}`, out.String("output"))
			var inspected struct {
				InspectionData struct{ Input, AfterParameters string }
			}
			out.Decode(t, &inspected)
			require.JSONEq(t, `{"a":2}`, inspected.InspectionData.Input)
			require.JSONEq(t, `{"sum":3}`, inspected.InspectionData.AfterParameters)
		},
	},
}

// awsErrorCase is a documented error of the AWS protocol, as each client
// reports it.
type awsErrorCase struct {
	errorType   string // the error's type, __type in the answer
	operation   string
	cli         []string // the CLI's arguments after its command
	js          string   // the JS SDK's input
	accessKeyID string   // "" signs with the server's key
	status      int      // the HTTP status
	typed       bool     // whether the JS SDK has a class for it
	message     string   // a part of the message
}

var awsErrorCases = []awsErrorCase{
	{errorType: "StateMachineDoesNotExist", operation: "DescribeStateMachine",
		cli:    []string{"--state-machine-arn", "arn:aws:states:us-east-1:000000000000:stateMachine:missing"},
		js:     `{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:missing"}`,
		status: 400, typed: true, message: "does not exist"},
	// An unknown key on StartSyncExecution: the CLI's request goes to the
	// sync- host through HTTP_PROXY and is still authenticated.
	{errorType: "UnrecognizedClientException", operation: "StartSyncExecution",
		cli:         []string{"--state-machine-arn", "arn:aws:states:us-east-1:000000000000:stateMachine:any"},
		js:          `{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:any"}`,
		accessKeyID: "AKIAUNKNOWN", status: 400, message: "AKIAUNKNOWN is not configured"},
}

// cliCommand is the CLI's command of an operation: CreateStateMachine is
// create-state-machine.
func cliCommand(operation string) string {
	return strings.ToLower(regexp.MustCompile(`([a-z])([A-Z])`).ReplaceAllString(operation, "$1-$2"))
}

// clientNames are the columns of the coverage matrix.
var clientNames = []string{"AWS CLI v2", "JS SDK v3"}

// coverage records which client passed which operation.
type coverage struct {
	mu     sync.Mutex
	passed map[string]map[string]string
}

func (c *coverage) record(t *testing.T, operation, client string) {
	t.Cleanup(func() {
		result := "pass"
		switch {
		case t.Skipped():
			result = "skip"
		case t.Failed():
			result = "FAIL"
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.passed[operation] == nil {
			c.passed[operation] = map[string]string{}
		}
		c.passed[operation][client] = result
	})
}

// matrix is the coverage matrix, operation × client, in Markdown, with
// the web/sfn tests that call each operation with the Go SDK.
func (c *coverage) matrix(t *testing.T) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	goTests := goSDKTests(t)
	var b strings.Builder
	b.WriteString("| operation | Go SDK v2 (web/sfn tests) | " + strings.Join(clientNames, " | ") + " |\n|---|---|")
	b.WriteString(strings.Repeat("---|", len(clientNames)) + "\n")
	for _, op := range slices.Sorted(maps.Keys(c.passed)) {
		tests := goTests[op]
		if len(tests) > 2 {
			tests = append(tests[:2:2], "…")
		}
		goCell := strings.Join(tests, ", ")
		if goCell == "" {
			goCell = "—"
		}
		fmt.Fprintf(&b, "| %s | %s |", op, goCell)
		for _, client := range clientNames {
			result := c.passed[op][client]
			if result == "" {
				result = "—"
			}
			fmt.Fprintf(&b, " %s |", result)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// goSDKTests lists, by operation, the tests of web/sfn that call it with
// the Go SDK (client.Operation( in the test function's own body), then
// the helpers of those tests that do.
func goSDKTests(t *testing.T) map[string][]string {
	files, err := filepath.Glob(filepath.Join("..", "..", "web", "sfn", "*_test.go"))
	require.NoError(t, err)
	// A call, or a documented error a test expects ("error: " and its type).
	call := regexp.MustCompile(`client\.([A-Z]\w+)\(|\*types\.(\w+DoesNotExist)\b`)
	found := map[string][]string{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, fn := range strings.Split(string(data), "\nfunc ")[1:] {
			header, _, _ := strings.Cut(fn, "\n")
			if strings.HasPrefix(header, "(") {
				_, header, _ = strings.Cut(header, ") ") // the receiver
			}
			name, _, _ := strings.Cut(header, "(")
			if !strings.HasPrefix(name, "Test") {
				name = "helper " + name // as the harness's wait and start
			}
			seen := map[string]bool{}
			for _, m := range call.FindAllStringSubmatch(fn, -1) {
				op := m[1]
				if op == "" {
					op = "error: " + m[2]
				}
				if !seen[op] {
					seen[op] = true
					found[op] = append(found[op], name)
				}
			}
		}
	}
	for _, tests := range found {
		sort.Strings(tests)
	}
	return found
}

// servedOperations returns the operations of the Step Functions API (those
// of the model the CLI loads) that the endpoint serves: any answer but
// UnknownOperationException to an empty request.
func servedOperations(t *testing.T, f *awsFixture) []string {
	t.Helper()
	operations := awsclients.ModelOperations(t)
	var served []string
	for _, op := range operations {
		req, err := http.NewRequest(http.MethodPost, f.endpoint.URL+"/", strings.NewReader(`{}`))
		require.NoError(t, err)
		req.Header.Set("X-Amz-Target", "AWSStepFunctions."+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+f.endpoint.AccessKeyID+"/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		if resp.Header.Get("X-Amzn-ErrorType") != "UnknownOperationException" {
			served = append(served, op)
		}
	}
	return served
}

// TestAWSClients calls every operation Stepwise serves on the AWS protocol
// with the AWS CLI v2 and the AWS SDK for JavaScript v3, each on a
// server with API keys (the clients sign with one), and logs the coverage
// matrix (go test -v -run TestAWSClients ./cmd/stepwise).
func TestAWSClients(t *testing.T) {
	t.Parallel()
	awsclients.RequireCLI(t)
	awsclients.RequireJS(t)
	f := serveForClients(t)

	served := servedOperations(t, f)
	for _, op := range served {
		require.Contains(t, operationCases, op, "Stepwise serves %s: add its case to operationCases", op)
	}
	require.ElementsMatch(t, served, slices.Sorted(maps.Keys(operationCases)), "every case is of an operation Stepwise serves")

	cov := &coverage{passed: map[string]map[string]string{}}
	t.Cleanup(func() { t.Logf("coverage of the AWS protocol by three clients:\n%s", cov.matrix(t)) })
	for _, op := range slices.Sorted(maps.Keys(operationCases)) {
		tc := operationCases[op]
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			t.Run("cli", func(t *testing.T) {
				t.Parallel()
				cov.record(t, op, clientNames[0])
				v := vars{}
				if tc.setup != nil {
					v = tc.setup(f, t)
				}
				out := awsclients.CLI(t, f.endpoint, append([]string{cliCommand(op)}, v.cli(tc.cli)...)...)
				if tc.check != nil {
					tc.check(t, f, v, out)
				}
			})
			t.Run("js", func(t *testing.T) {
				t.Parallel()
				cov.record(t, op, clientNames[1])
				v := vars{}
				if tc.setup != nil {
					v = tc.setup(f, t)
				}
				out := awsclients.JSCall(t, f.endpoint, op, v.js(tc.js))
				if tc.check != nil {
					tc.check(t, f, v, out)
				}
			})
		})
	}

	for _, ec := range awsErrorCases {
		t.Run("error "+ec.errorType, func(t *testing.T) {
			t.Parallel()
			e := f.endpoint
			if ec.accessKeyID != "" {
				e.AccessKeyID = ec.accessKeyID
			}
			row := "error: " + ec.errorType
			t.Run("cli", func(t *testing.T) {
				t.Parallel()
				cov.record(t, row, clientNames[0])
				code, stderr := awsclients.CLIFailure(t, e, append([]string{cliCommand(ec.operation)}, ec.cli...)...)
				require.Equal(t, 254, code, "the CLI's exit code for an error the service answers: %s", stderr)
				require.Contains(t, stderr, "An error occurred ("+ec.errorType+") when calling the "+ec.operation+" operation")
			})
			t.Run("js", func(t *testing.T) {
				t.Parallel()
				cov.record(t, row, clientNames[1])
				out := awsclients.JS(t, e, `try {
  await client.send(new sfn.`+ec.operation+`Command(`+ec.js+`));
  return {};
} catch (e) {
  return {name: e.name, typed: typeof sfn[e.name] === "function" && e instanceof sfn[e.name],
    fault: e.$fault, status: e.$metadata.httpStatusCode, message: e.message};
}`)
				require.Equal(t, ec.errorType, out.String("name"), "%v", out)
				require.Equal(t, ec.typed, out["typed"], "an exception class of the SDK")
				require.Equal(t, "client", out.String("fault"))
				require.Equal(t, float64(ec.status), out["status"])
				require.Contains(t, out.String("message"), ec.message)
			})
		})
	}

	// HTTP_PROXY set to the endpoint, as the CLI is run, makes Stepwise
	// receive absolute-form requests for other hosts: it answers them with
	// its own routes, whatever the host, and forwards nothing.
	t.Run("no-forwarding", func(t *testing.T) {
		t.Parallel()
		host := strings.TrimPrefix(f.endpoint.URL, "http://")
		resp, body := rawRequest(t, host, "GET http://example.com/healthz HTTP/1.1\r\nHost: example.com\r\n\r\n")
		require.Equal(t, http.StatusOK, resp.StatusCode, "Stepwise's own /healthz")
		require.NotContains(t, body, "Example Domain")
		resp, _ = rawRequest(t, host, "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n")
		require.Equal(t, http.StatusFound, resp.StatusCode, "Stepwise's redirect to its viewer")
		require.Equal(t, "/ui/", resp.Header.Get("Location"))
		resp, _ = rawRequest(t, host, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
		require.Equal(t, http.StatusNotFound, resp.StatusCode, "no tunnel")
	})
}

// rawRequest sends one raw HTTP/1.1 request to host and returns the
// response and its body.
func rawRequest(t *testing.T, host, request string) (*http.Response, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", host, 10*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second)))
	_, err = conn.Write([]byte(request))
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body strings.Builder
	_, _ = bufio.NewReader(resp.Body).WriteTo(&body)
	return resp, body.String()
}

// TestAWSCLITesting drives the testing features with the AWS clients, as
// the README shows: with the AWS CLI, a test case of the mock
// configuration chosen with ARN#TestCase and its history; with the JS SDK,
// TestState with a mock (the CLI's model, from the JS SDK v2 package,
// predates TestState's mock).
func TestAWSCLITesting(t *testing.T) {
	t.Parallel()
	awsclients.RequireCLI(t)
	awsclients.RequireJS(t)
	dir := t.TempDir()
	config := writeFile(t, dir, "MockConfigFile.json", testkit.Testdata(t, "mocks", "MockConfigFile.json"))
	f := serveForClients(t, "--mock-config", config, "--wait-time-scale", "0")

	created := awsclients.CLI(t, f.endpoint, "create-state-machine", "--name", "MockedOrders", "--role-arn", roleARN,
		"--definition", testkit.Testdata(t, "mocks", "MockedOrders.asl.json"))
	started := awsclients.CLI(t, f.endpoint, "start-execution", "--state-machine-arn", created.String("stateMachineArn")+"#RetryPath",
		"--input", `{"order":"o-1","items":["a"]}`)
	execution := started.String("executionArn")
	var described awsclients.Answer
	require.Eventually(t, func() bool {
		described = awsclients.CLI(t, f.endpoint, "describe-execution", "--execution-arn", execution)
		return described.String("status") != "RUNNING"
	}, 30*time.Second, 50*time.Millisecond)
	require.Equal(t, "SUCCEEDED", described.String("status"))
	var history struct {
		Events []struct {
			Type                      string
			TaskFailedEventDetails    *struct{ Error string }
			TaskScheduledEventDetails *struct{ ResourceType, Resource string }
		}
	}
	awsclients.CLI(t, f.endpoint, "get-execution-history", "--execution-arn", execution).Decode(t, &history)
	var failures, lambdas int
	for _, ev := range history.Events {
		if ev.TaskFailedEventDetails != nil && ev.TaskFailedEventDetails.Error == "Lambda.TooManyRequestsException" {
			failures++
		}
		if d := ev.TaskScheduledEventDetails; d != nil && d.ResourceType == "lambda" && d.Resource == "invoke" {
			lambdas++
		}
	}
	require.Equal(t, 2, failures, "invocations 0-1 of Validate throw")
	require.Equal(t, 4, lambdas, "Validate three times, ShipItem once")

	tested := awsclients.JSCall(t, f.endpoint, "TestState", `{
  "definition": `+jsonString(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge","Payload.$":"$"},"ResultSelector":{"paid.$":"$.Payload.paid"},"ResultPath":"$.charge","Next":"Ship"}`)+`,
  "input": "{\"amount\":5}",
  "mock": {"result": "{\"Payload\":{\"paid\":true},\"StatusCode\":200}"},
  "inspectionLevel": "DEBUG"}`)
	require.Equal(t, "SUCCEEDED", tested.String("status"))
	require.Equal(t, "Ship", tested.String("nextState"))
	require.JSONEq(t, `{"amount":5,"charge":{"paid":true}}`, tested.String("output"))
}
