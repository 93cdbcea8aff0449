package sfn

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit/awsclients"
)

// documentedCase is one request of an operation that must fail with want.
type documentedCase struct {
	op, body, want string
}

// documentedErrorCases provoke the errors of every operation Stepwise
// serves. In the bodies, $M is a STANDARD machine's ARN, $X an EXPRESS
// one's, $E a succeeded execution's ARN, $RUNNING a machine with a
// running execution, $A an activity's ARN, $NOM a
// machine that does not exist, $NOE an execution and $NOA an activity that
// do not exist, $QEXPRESS an Express execution's ARN, $TOKEN a task
// token of no task, $DEF and $OTHER definitions, $TAGS51 51 tags, $LONG
// 257 characters and $HUGE 32,769.
//
// StartSyncExecution of a STANDARD machine, which AWS refuses with
// StateMachineTypeNotSupported, is no error case: Stepwise runs it (see
// docs/api.md).
var documentedErrorCases = []documentedCase{
	{"CreateStateMachine", `{"definition":"{}","roleArn":"arn:aws:iam::1:role/r"}`, "ValidationException"},
	{"CreateStateMachine", `{"name":"bad name","definition":$DEF,"roleArn":"arn:aws:iam::1:role/r"}`, "InvalidName"},
	{"CreateStateMachine", `{"name":"bad-definition","definition":"{}","roleArn":"arn:aws:iam::1:role/r"}`, "InvalidDefinition"},
	{"CreateStateMachine", `{"name":"m","definition":$OTHER,"roleArn":"arn:aws:iam::1:role/r"}`, "StateMachineAlreadyExists"},
	{"CreateStateMachine", `{"name":"t","definition":$DEF,"roleArn":"arn:aws:iam::1:role/r","type":"BATCH"}`, "ValidationException"},
	{"CreateStateMachine", `{"name":"l","definition":$DEF,"roleArn":"arn:aws:iam::1:role/r","loggingConfiguration":{"level":"ALL"}}`, "InvalidLoggingConfiguration"},
	{"CreateStateMachine", `{"name":"v","definition":$DEF,"roleArn":"arn:aws:iam::1:role/r","versionDescription":"d"}`, "ValidationException"},
	{"UpdateStateMachine", `{"stateMachineArn":"$NOM","definition":$DEF}`, "StateMachineDoesNotExist"},
	{"UpdateStateMachine", `{"stateMachineArn":"$M"}`, "MissingRequiredParameter"},
	{"UpdateStateMachine", `{"stateMachineArn":"$M","definition":"{}"}`, "InvalidDefinition"},
	{"UpdateStateMachine", `{"stateMachineArn":"not-an-arn","definition":$DEF}`, "InvalidArn"},
	{"UpdateStateMachine", `{"stateMachineArn":"$M:1","definition":$DEF}`, "ValidationException"},
	{"DescribeStateMachine", `{"stateMachineArn":"$NOM"}`, "StateMachineDoesNotExist"},
	{"DescribeStateMachine", `{"stateMachineArn":"$M:99"}`, "StateMachineDoesNotExist"},
	{"DescribeStateMachine", `{"stateMachineArn":"$M:prod"}`, "ValidationException"},
	{"DescribeStateMachine", `{"stateMachineArn":"not-an-arn"}`, "InvalidArn"},
	{"DescribeStateMachineForExecution", `{"executionArn":"$NOE"}`, "ExecutionDoesNotExist"},
	{"DescribeStateMachineForExecution", `{"executionArn":"not-an-arn"}`, "InvalidArn"},
	{"ListStateMachines", `{"nextToken":"bogus"}`, "InvalidToken"},
	{"ListStateMachines", `{"maxResults":5000}`, "ValidationException"},
	{"DeleteStateMachine", `{"stateMachineArn":"not-an-arn"}`, "InvalidArn"},
	{"DeleteStateMachine", `{"stateMachineArn":"$RUNNING"}`, "ValidationException"},
	{"ValidateStateMachineDefinition", `{}`, "ValidationException"},
	{"ValidateStateMachineDefinition", `{"definition":$DEF,"severity":"FATAL"}`, "ValidationException"},
	{"StartExecution", `{"stateMachineArn":"$NOM"}`, "StateMachineDoesNotExist"},
	{"StartExecution", `{"stateMachineArn":"$M","input":"not json"}`, "InvalidExecutionInput"},
	{"StartExecution", `{"stateMachineArn":"$M","name":"bad name"}`, "InvalidName"},
	{"StartExecution", `{"stateMachineArn":"$M","name":"done","input":"{\"other\":1}"}`, "ExecutionAlreadyExists"},
	{"StartExecution", `{"stateMachineArn":"not-an-arn"}`, "InvalidArn"},
	{"StartExecution", `{"stateMachineArn":"$M:nosuchalias"}`, "StateMachineDoesNotExist"},
	{"StartSyncExecution", `{"stateMachineArn":"$NOM"}`, "StateMachineDoesNotExist"},
	{"StartSyncExecution", `{"stateMachineArn":"$X","input":"not json"}`, "InvalidExecutionInput"},
	{"StartSyncExecution", `{"stateMachineArn":"not-an-arn"}`, "InvalidArn"},
	{"DescribeExecution", `{"executionArn":"$NOE"}`, "ExecutionDoesNotExist"},
	{"DescribeExecution", `{"executionArn":"not-an-arn"}`, "InvalidArn"},
	{"ListExecutions", `{"stateMachineArn":"$NOM"}`, "StateMachineDoesNotExist"},
	{"ListExecutions", `{"stateMachineArn":"$X"}`, "StateMachineTypeNotSupported"},
	{"ListExecutions", `{"stateMachineArn":"$M","statusFilter":"DONE"}`, "ValidationException"},
	{"ListExecutions", `{"stateMachineArn":"$M","nextToken":"bogus"}`, "InvalidToken"},
	{"ListExecutions", `{"stateMachineArn":"$M:nosuchalias"}`, "ResourceNotFound"},
	{"ListExecutions", `{"mapRunArn":"$GONEMAPRUN"}`, "ResourceNotFound"},
	{"ListExecutions", `{"mapRunArn":"$GONEMAPRUN","stateMachineArn":"$M"}`, "ValidationException"},
	{"DescribeMapRun", `{"mapRunArn":"$GONEMAPRUN"}`, "ResourceNotFound"},
	{"DescribeMapRun", `{"mapRunArn":"$NOE"}`, "InvalidArn"},
	{"DescribeMapRun", `{}`, "ValidationException"},
	{"ListMapRuns", `{"executionArn":"$NOE"}`, "ExecutionDoesNotExist"},
	{"ListMapRuns", `{"executionArn":"not-an-arn"}`, "InvalidArn"},
	{"ListMapRuns", `{"executionArn":"$E","maxResults":5000}`, "ValidationException"},
	{"UpdateMapRun", `{"mapRunArn":"$GONEMAPRUN","maxConcurrency":2}`, "ResourceNotFound"},
	{"UpdateMapRun", `{"mapRunArn":"$NOE","maxConcurrency":2}`, "InvalidArn"},
	{"UpdateMapRun", `{"mapRunArn":"$GONEMAPRUN","toleratedFailurePercentage":101}`, "ValidationException"},
	{"ListExecutions", `{"stateMachineArn":"not-an-arn"}`, "InvalidArn"},
	{"GetExecutionHistory", `{"executionArn":"$NOE"}`, "ExecutionDoesNotExist"},
	{"GetExecutionHistory", `{"executionArn":"$E","nextToken":"bogus"}`, "InvalidToken"},
	{"GetExecutionHistory", `{"executionArn":"not-an-arn"}`, "InvalidArn"},
	{"StopExecution", `{"executionArn":"$NOE"}`, "ExecutionDoesNotExist"},
	{"StopExecution", `{"executionArn":"not-an-arn"}`, "InvalidArn"},
	{"RedriveExecution", `{"executionArn":"$E"}`, "ExecutionNotRedrivable"},
	{"RedriveExecution", `{"executionArn":"$NOE"}`, "ExecutionDoesNotExist"},
	{"RedriveExecution", `{"executionArn":"not-an-arn"}`, "InvalidArn"},
	{"SendTaskSuccess", `{"taskToken":"bogus","output":"{}"}`, "InvalidToken"},
	{"SendTaskSuccess", `{"taskToken":"bogus","output":"not json"}`, "InvalidOutput"},
	{"SendTaskFailure", `{"taskToken":"bogus"}`, "InvalidToken"},
	{"SendTaskHeartbeat", `{"taskToken":"bogus"}`, "InvalidToken"},
	{"CreateActivity", `{"name":"bad name"}`, "InvalidName"},
	{"CreateActivity", `{"name":"tagged","tags":$TAGS51}`, "TooManyTags"},
	{"DescribeActivity", `{"activityArn":"$NOA"}`, "ActivityDoesNotExist"},
	{"DescribeActivity", `{"activityArn":"not-an-arn"}`, "InvalidArn"},
	{"ListActivities", `{"nextToken":"bogus"}`, "InvalidToken"},
	{"DeleteActivity", `{"activityArn":"not-an-arn"}`, "InvalidArn"},
	{"GetActivityTask", `{"activityArn":"$NOA"}`, "ActivityDoesNotExist"},
	{"GetActivityTask", `{"activityArn":"not-an-arn"}`, "InvalidArn"},
	{"PublishStateMachineVersion", `{"stateMachineArn":"$NOM"}`, "StateMachineDoesNotExist"},
	{"PublishStateMachineVersion", `{"stateMachineArn":"$M","revisionId":"stale"}`, "ConflictException"},
	{"PublishStateMachineVersion", `{"stateMachineArn":"$M:1"}`, "ValidationException"},
	{"PublishStateMachineVersion", `{"stateMachineArn":"not-an-arn"}`, "InvalidArn"},
	{"ListStateMachineVersions", `{"stateMachineArn":"$NOM"}`, "ValidationException"},
	{"ListStateMachineVersions", `{"stateMachineArn":"$M","nextToken":"bogus"}`, "InvalidToken"},
	{"ListStateMachineVersions", `{"stateMachineArn":"not-an-arn"}`, "InvalidArn"},
	{"DeleteStateMachineVersion", `{"stateMachineVersionArn":"$M:1"}`, "ConflictException"},
	{"DeleteStateMachineVersion", `{"stateMachineVersionArn":"$M"}`, "ValidationException"},
	{"DeleteStateMachineVersion", `{"stateMachineVersionArn":"not-an-arn"}`, "InvalidArn"},
	{"CreateStateMachineAlias", `{"name":"a","routingConfiguration":[{"stateMachineVersionArn":"$M:99","weight":100}]}`, "ResourceNotFound"},
	{"CreateStateMachineAlias", `{"name":"a","routingConfiguration":[{"stateMachineVersionArn":"$NOM:1","weight":100}]}`, "ResourceNotFound"},
	{"CreateStateMachineAlias", `{"name":"a","routingConfiguration":[{"stateMachineVersionArn":"$M:1","weight":90}]}`, "ValidationException"},
	{"CreateStateMachineAlias", `{"name":"prod","routingConfiguration":[{"stateMachineVersionArn":"$M:1","weight":100}],"description":"other"}`, "ConflictException"},
	{"CreateStateMachineAlias", `{"name":"a","routingConfiguration":[{"stateMachineVersionArn":"not-an-arn","weight":100}]}`, "InvalidArn"},
	{"DescribeStateMachineAlias", `{"stateMachineAliasArn":"$M:nosuchalias"}`, "ResourceNotFound"},
	{"DescribeStateMachineAlias", `{"stateMachineAliasArn":"$NOM:prod"}`, "ResourceNotFound"},
	{"DescribeStateMachineAlias", `{"stateMachineAliasArn":"not-an-arn"}`, "InvalidArn"},
	{"UpdateStateMachineAlias", `{"stateMachineAliasArn":"$M:nosuchalias","description":"d"}`, "ResourceNotFound"},
	{"UpdateStateMachineAlias", `{"stateMachineAliasArn":"$NOM:prod","description":"d"}`, "ResourceNotFound"},
	{"UpdateStateMachineAlias", `{"stateMachineAliasArn":"$M:prod"}`, "ValidationException"},
	{"UpdateStateMachineAlias", `{"stateMachineAliasArn":"not-an-arn","description":"d"}`, "InvalidArn"},
	{"DeleteStateMachineAlias", `{"stateMachineAliasArn":"$NOM:prod"}`, "ResourceNotFound"},
	{"DeleteStateMachineAlias", `{"stateMachineAliasArn":"not-an-arn"}`, "InvalidArn"},
	{"ListStateMachineAliases", `{"stateMachineArn":"$NOM"}`, "StateMachineDoesNotExist"},
	{"ListStateMachineAliases", `{"stateMachineArn":"$M","nextToken":"bogus"}`, "InvalidToken"},
	{"ListStateMachineAliases", `{"stateMachineArn":"not-an-arn"}`, "InvalidArn"},
	{"TagResource", `{"resourceArn":"$NOM","tags":[{"key":"k","value":"v"}]}`, "ResourceNotFound"},
	{"TagResource", `{"resourceArn":"$M","tags":$TAGS51}`, "TooManyTags"},
	{"TagResource", `{"resourceArn":"not-an-arn","tags":[{"key":"k","value":"v"}]}`, "InvalidArn"},
	{"UntagResource", `{"resourceArn":"$NOM","tagKeys":["k"]}`, "ResourceNotFound"},
	{"UntagResource", `{"resourceArn":"not-an-arn","tagKeys":["k"]}`, "InvalidArn"},
	{"ListTagsForResource", `{"resourceArn":"$NOA"}`, "ResourceNotFound"},
	{"ListTagsForResource", `{"resourceArn":"not-an-arn"}`, "InvalidArn"},
	{"TestState", `{"definition":"{}","roleArn":"arn:aws:iam::1:role/r"}`, "InvalidDefinition"},
	{"TestState", `{"definition":"{\"Type\":\"Pass\",\"End\":true}","input":"not json"}`, "InvalidExecutionInput"},
	{"TestState", `{}`, "ValidationException"},
	{"TestState", `{"definition":"{\"Type\":\"Pass\",\"End\":true}","roleArn":"not-an-arn"}`, "InvalidArn"},
	{"TestState", `{"definition":"{\"Type\":\"Pass\",\"End\":true}","inspectionLevel":"LOUD"}`, "ValidationException"},
	{"SendTaskSuccess", `{"taskToken":"$TOKEN","output":"{}"}`, "TaskDoesNotExist"},
	{"SendTaskFailure", `{"taskToken":"$TOKEN"}`, "TaskDoesNotExist"},
	{"SendTaskHeartbeat", `{"taskToken":"$TOKEN"}`, "TaskDoesNotExist"},
	{"DescribeExecution", `{"executionArn":"$QEXPRESS"}`, "InvalidArn"},
	{"GetExecutionHistory", `{"executionArn":"$QEXPRESS"}`, "InvalidArn"},
	{"StartExecution", `{"stateMachineArn":"$M:99"}`, "StateMachineDoesNotExist"},
	{"StartSyncExecution", `{"stateMachineArn":"$X:nosuchalias"}`, "StateMachineDoesNotExist"},
	{"UpdateStateMachine", `{"stateMachineArn":"$M","loggingConfiguration":{"level":"ALL"}}`, "InvalidLoggingConfiguration"},
	{"PublishStateMachineVersion", `{"stateMachineArn":"$M","description":"$LONG"}`, "ValidationException"},
	{"CreateStateMachineAlias", `{"name":"123","routingConfiguration":[{"stateMachineVersionArn":"$M:1","weight":100}]}`, "ValidationException"},
	{"UpdateStateMachineAlias", `{"stateMachineAliasArn":"$M:prod","routingConfiguration":[{"stateMachineVersionArn":"$M:99","weight":100}]}`, "ResourceNotFound"},
	{"DeleteStateMachineAlias", `{"stateMachineAliasArn":"$M"}`, "ValidationException"},
	{"ListStateMachineAliases", `{"stateMachineArn":"$M:99"}`, "ResourceNotFound"},
	{"DeleteActivity", `{}`, "ValidationException"},
	{"GetActivityTask", `{"activityArn":"$NOA","workerName":"$LONG"}`, "ValidationException"},
	{"ListActivities", `{"maxResults":1001}`, "ValidationException"},
	{"DescribeStateMachineForExecution", `{"executionArn":"$QEXPRESS"}`, "InvalidArn"},
	{"StopExecution", `{"executionArn":"$E","cause":"$HUGE"}`, "ValidationException"},
	{"RedriveExecution", `{"executionArn":"$QEXPRESS"}`, "InvalidArn"},
}

// TestAWSErrorsAsDocumented provokes the errors of every operation served
// and checks each answer against the Step Functions service model: the
// __type is one the model lists for the operation (or a common error),
// with the HTTP status documented for it.
func TestAWSErrorsAsDocumented(t *testing.T) {
	t.Parallel()
	model := awsclients.ReadModelErrors(t)
	h, vars := errorFixtures(t)
	covered := map[string]bool{}
	for i, tc := range documentedErrorCases {
		covered[tc.op] = true
		t.Run(fmt.Sprintf("%s/%d", tc.op, i), func(t *testing.T) {
			body := vars.Replace(tc.body)
			status, header, answer := h.post(TargetPrefix+tc.op, body)
			typ, _ := answer["__type"].(string)
			documented, ok := model.Documented(tc.op, typ)
			require.True(t, ok, "%s answered %s (%v), which the model does not list for it: %v", body, typ, answer["message"], model.Operations[tc.op])
			require.Equal(t, documented, status, "%s: the HTTP status of %s", body, typ)
			require.Equal(t, typ, header.Get("X-Amzn-ErrorType"), body)
			require.Equal(t, tc.want, typ, "%s: %v", body, answer["message"])
			require.NotEmpty(t, answer["message"], body)
		})
	}
	a := &api{}
	for _, op := range slices.Sorted(maps.Keys(model.Operations)) {
		if a.operation(op) != nil {
			require.True(t, covered[op], "no error case of %s", op)
		}
	}
}

// errorFixtures creates what the error cases refer to and returns the
// harness with the replacer of the cases' variables.
func errorFixtures(t *testing.T) (*awsHarness, *strings.Replacer) {
	h := newAWSHarness(t)
	pass := `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	machine := h.machineOf("m", pass)
	express := h.machineOfType("x", pass, "EXPRESS")
	running := h.machineOf("running", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`)
	h.start(running, "waiting", "{}")
	done := h.start(machine, "done", "{}")
	h.wait(done)
	status, _, _ := h.post(TargetPrefix+"PublishStateMachineVersion", `{"stateMachineArn":"`+machine+`"}`)
	require.Equal(t, http.StatusOK, status)
	status, _, _ = h.post(TargetPrefix+"CreateStateMachineAlias", `{"name":"prod","routingConfiguration":[{"stateMachineVersionArn":"`+machine+`:1","weight":100}]}`)
	require.Equal(t, http.StatusOK, status)
	prefix := strings.TrimSuffix(machine, ":stateMachine:m")
	tags := make([]string, 51)
	for i := range tags {
		tags[i] = `{"key":"k` + strings.Repeat("x", i) + `","value":"v"}`
	}
	return h, strings.NewReplacer(
		"$DEF", quoteJSON(pass), "$OTHER", quoteJSON(`{"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}}`),
		"$M", machine, "$X", express, "$E", done, "$RUNNING", running,
		"$NOM", prefix+":stateMachine:nosuchmachine", "$NOE", prefix+":execution:m:nosuchexecution",
		"$NOA", prefix+":activity:nosuchactivity", "$GONEMAPRUN", prefix+":mapRun:m/M:0f0e", "$TAGS51", "["+strings.Join(tags, ",")+"]",
		"$TOKEN", strings.Repeat("A", 43), "$QEXPRESS", prefix+":express:x:e:00000000-0000-0000-0000-000000000000",
		"$LONG", strings.Repeat("l", 257), "$HUGE", strings.Repeat("h", 32769))
}
