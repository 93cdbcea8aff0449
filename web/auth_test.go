package web_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

func TestParseKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, err string
	}{
		{"not JSON", `{`, "want a JSON array"},
		{"unknown field", `[{"id":"A","secret":"0123456789abcdef","scope":"read","x":1}]`, "unknown field"},
		{"empty", `[]`, "the list is empty"},
		{"no id", `[{"secret":"0123456789abcdef","scope":"read"}]`, "entry 0 has no id"},
		{"short secret", `[{"id":"A","secret":"short","scope":"read"}]`, "at least 16 characters"},
		{"bad scope", `[{"id":"A","secret":"0123456789abcdef","scope":"write"}]`, `scope "write"`},
		{"duplicate id", `[{"id":"A","secret":"0123456789abcdef","scope":"read"},{"id":"A","secret":"0123456789abcdeg","scope":"read"}]`, "appears twice"},
		{"duplicate secret", `[{"id":"A","secret":"0123456789abcdef","scope":"read"},{"id":"B","secret":"0123456789abcdef","scope":"read"}]`, "secret of another key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := web.ParseKeys([]byte(tt.data))
			require.ErrorContains(t, err, tt.err)
		})
	}
	keys, err := web.ParseKeys([]byte(webtest.Keys))
	require.NoError(t, err)
	require.Equal(t, 2, keys.Len())
}

func TestGenerateKey(t *testing.T) {
	t.Parallel()
	k, err := web.GenerateKey(web.ScopeRead)
	require.NoError(t, err)
	require.Regexp(t, regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`), k.ID)
	require.Len(t, k.Secret, 40)
	require.Equal(t, web.ScopeRead, k.Scope)
	other, err := web.GenerateKey(web.ScopeAdmin)
	require.NoError(t, err)
	require.NotEqual(t, k.ID, other.ID)
	require.NotEqual(t, k.Secret, other.Secret)
	_, err = web.GenerateKey("root")
	require.Error(t, err)
}

func TestRESTAPIKeys(t *testing.T) {
	t.Parallel()
	a := webtest.NewKeyed(t)
	tests := []struct {
		name, auth, method, path, body string
		status                         int
		code                           string
	}{
		{"no key", "", http.MethodGet, "/v1/state-machines", "", http.StatusUnauthorized, "Unauthorized"},
		{"wrong key", "Bearer not-a-configured-secret", http.MethodGet, "/v1/state-machines", "", http.StatusUnauthorized, "Unauthorized"},
		{"other scheme", "Basic " + webtest.AdminSecret, http.MethodGet, "/v1/state-machines", "", http.StatusUnauthorized, "Unauthorized"},
		{"read key reads", "Bearer " + webtest.ReadSecret, http.MethodGet, "/v1/state-machines", "", http.StatusOK, ""},
		{"read key validates", "Bearer " + webtest.ReadSecret, http.MethodPost, "/v1/state-machines/validate", `{"definition":` + webtest.PassMachine + `}`, http.StatusOK, ""},
		{"read key writes", "Bearer " + webtest.ReadSecret, http.MethodPost, "/v1/state-machines", `{"name":"r","definition":` + webtest.PassMachine + `}`, http.StatusForbidden, "Forbidden"},
		{"read key deletes", "Bearer " + webtest.ReadSecret, http.MethodDelete, "/v1/state-machines/r", "", http.StatusForbidden, "Forbidden"},
		{"admin key writes", "Bearer " + webtest.AdminSecret, http.MethodPost, "/v1/state-machines", `{"name":"a","definition":` + webtest.PassMachine + `}`, http.StatusCreated, ""},
		{"admin key reads", "bearer " + webtest.AdminSecret, http.MethodGet, "/v1/state-machines", "", http.StatusOK, ""},
		{"health without key", "", http.MethodGet, "/healthz", "", http.StatusOK, ""},
		{"readiness without key", "", http.MethodGet, "/readyz", "", http.StatusOK, ""},
		{"metrics without key", "", http.MethodGet, "/metrics", "", http.StatusUnauthorized, "Unauthorized"},
		{"metrics with read key", "Bearer " + webtest.ReadSecret, http.MethodGet, "/metrics", "", http.StatusOK, ""},
		// A callback is authorised by its token alone: a bad token is
		// InvalidToken, not Unauthorized.
		{"callback without key", "", http.MethodPost, "/v1/tasks/success", `{"taskToken":"nope","output":{}}`, http.StatusBadRequest, "InvalidToken"},
		{"heartbeat with a wrong key", "Bearer wrong", http.MethodPost, "/v1/tasks/heartbeat", `{"taskToken":"nope"}`, http.StatusBadRequest, "InvalidToken"},
	}
	for _, tt := range tests {
		var body io.Reader
		if tt.body != "" {
			body = strings.NewReader(tt.body)
		}
		req, err := http.NewRequest(tt.method, a.URL+tt.path, body)
		require.NoError(t, err)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		if tt.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		r := a.Send(req)
		require.Equal(t, tt.status, r.Status, "%s: %s", tt.name, r.Body)
		if tt.code != "" {
			require.Equal(t, tt.code, r.ErrorCode(t), tt.name)
		}
	}
}

// TestRESTCallbackWithoutKey answers a real callback task with no key.
func TestRESTCallbackWithoutKey(t *testing.T) {
	t.Parallel()
	a, token, arn := startApproval(t)
	r := a.Call(http.MethodPost, "/v1/tasks/success", `{"taskToken":"`+token+`","output":{"approved":true}}`)
	require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Body)
	exec, err := a.E.Wait(context.Background(), arn)
	require.NoError(t, err)
	require.Equal(t, "SUCCEEDED", exec.Status)
}

// awsClient is an SDK client of the API at url with the access key id.
func awsClient(url, accessKeyID string) *sfn.Client {
	return sfn.New(sfn.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(accessKeyID, "whatever: the signature is not verified", ""),
		Retryer:      aws.NopRetryer{},
	})
}

// requireAWSError requires err to be the AWS error typ with HTTP 400.
func requireAWSError(t *testing.T, err error, typ string) {
	t.Helper()
	var apiErr smithy.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, typ, apiErr.ErrorCode(), "%v", err)
	var respErr *smithyhttp.ResponseError
	require.ErrorAs(t, err, &respErr)
	require.Equal(t, http.StatusBadRequest, respErr.HTTPStatusCode())
}

func TestAWSAPIKeys(t *testing.T) {
	t.Parallel()
	a := webtest.NewKeyed(t)
	ctx := context.Background()
	admin, reader, stranger := awsClient(a.URL, "AKIAADMIN"), awsClient(a.URL, "AKIAREAD"), awsClient(a.URL, "AKIAUNKNOWN")

	created, err := admin.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("keyed"), Definition: aws.String(webtest.PassMachine), RoleArn: aws.String("arn:aws:iam::000000000000:role/x"),
	})
	require.NoError(t, err)
	list, err := reader.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	require.NoError(t, err)
	require.Len(t, list.StateMachines, 1)
	_, err = reader.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: created.StateMachineArn})
	require.NoError(t, err)

	_, err = reader.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: created.StateMachineArn})
	requireAWSError(t, err, "AccessDeniedException")
	_, err = stranger.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	requireAWSError(t, err, "UnrecognizedClientException")

	// Unsigned: no Authorization header at all.
	anonymous := sfn.New(sfn.Options{BaseEndpoint: aws.String(a.URL), Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, Retryer: aws.NopRetryer{}})
	_, err = anonymous.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	requireAWSError(t, err, "MissingAuthenticationTokenException")

	// Callbacks need no configured key: a bad token is InvalidToken.
	_, err = stranger.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("nope"), Output: aws.String("{}")})
	requireAWSError(t, err, "InvalidToken")
	_, err = anonymous.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String("nope")})
	requireAWSError(t, err, "InvalidToken")
}

// TestAWSCallbackWithoutKey answers a real callback task through the AWS
// protocol with an access key id that is not configured.
func TestAWSCallbackWithoutKey(t *testing.T) {
	t.Parallel()
	a, token, arn := startApproval(t)
	_, err := awsClient(a.URL, "AKIAUNKNOWN").SendTaskSuccess(context.Background(), &sfn.SendTaskSuccessInput{
		TaskToken: aws.String(token), Output: aws.String(`{"approved":true}`),
	})
	require.NoError(t, err)
	exec, err := a.E.Wait(context.Background(), arn)
	require.NoError(t, err)
	require.Equal(t, "SUCCEEDED", exec.Status)
}

// startApproval serves the API behind the keys of webtest.Keys, creates
// the approval example with the admin key, starts it and returns the API,
// the callback's task token and the execution's ARN.
func startApproval(t *testing.T) (a *webtest.API, token, arn string) {
	t.Helper()
	a = webtest.NewKeyed(t)
	post := func(path, body string) map[string]any {
		req, err := http.NewRequest(http.MethodPost, a.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+webtest.AdminSecret)
		req.Header.Set("Content-Type", "application/json")
		r := a.Send(req)
		require.Less(t, r.Status, 300, "%s: %s", path, r.Body)
		return r.JSON(t)
	}
	post("/v1/state-machines", `{"name":"approval","definition":`+testkit.Example(t, "approval")+`}`)
	exec := post("/v1/state-machines/approval/executions", `{"input":{"orderId":"o-1","amount":10}}`)
	return a, a.Token(), exec["arn"].(string)
}
