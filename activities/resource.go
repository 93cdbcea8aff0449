package activities

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/arn"
)

// Kind is the form of a Task resource.
type Kind int

// The resource forms Stepwise runs. The zero Kind is no form.
const (
	// KindLambda is arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER].
	KindLambda Kind = iota + 1
	// KindLambdaInvoke is arn:aws:states:::lambda:invoke, optionally with
	// .waitForTaskToken; the function is named by the FunctionName parameter.
	KindLambdaInvoke
	// KindActivity is arn:aws:states:REGION:ACCOUNT:activity:NAME or the
	// short arn:aws:states:::activity:NAME.
	KindActivity
	// KindNative is stepwise:function:NAME, optionally with
	// .waitForTaskToken.
	KindNative
	// KindService is a service integration,
	// arn:aws:states:::SERVICE:ACTION[.sync|.sync:2|.waitForTaskToken], or
	// an AWS SDK integration,
	// arn:aws:states:::aws-sdk:SERVICE:ACTION[.waitForTaskToken], served
	// by a function registered with RegisterIntegration.
	KindService
	// KindNested starts a nested execution:
	// arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]
	// or arn:aws:states:::aws-sdk:sfn:startExecution[.waitForTaskToken].
	// The engine runs it; no function is registered for it.
	KindNested
	// KindHTTP is the HTTP Task, arn:aws:states:::http:invoke, served by
	// the function registered under the name "http:invoke".
	KindHTTP
)

// String names the kind: "lambda", "lambda:invoke", "activity", "native",
// "service" or "http".
func (k Kind) String() string {
	switch k {
	case KindLambda:
		return "lambda"
	case KindLambdaInvoke:
		return "lambda:invoke"
	case KindActivity:
		return "activity"
	case KindNative:
		return "native"
	case KindService:
		return "service"
	case KindHTTP:
		return "http"
	case KindNested:
		return "nested"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Binding is what a Task resource means: which registered function runs it
// and how its result is shaped.
type Binding struct {
	Kind Kind
	// Function is the name the registry is keyed by.
	Function string
	// Qualifier is the Lambda version or alias; empty when none was given.
	Qualifier string
	// WaitForToken is set when the resource ends with .waitForTaskToken.
	WaitForToken bool
	// Suffix is the integration pattern of a KindService resource as
	// written: "", ".sync", ".sync:2" or ".waitForTaskToken".
	Suffix string
}

// NativePrefix starts the resource of a Stepwise function that is not
// dressed as a Lambda function or an activity.
const NativePrefix = "stepwise:function:"

var (
	regionRE       = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	accountRE      = regexp.MustCompile(`^[0-9]{12}$`)
	functionNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	qualifierRE    = regexp.MustCompile(`^(\$LATEST|[A-Za-z0-9_-]{1,128})$`)
)

// Resolve works out the binding of a Task resource and the payload its
// function receives: the task's effective input, except for lambda:invoke,
// where input holds the parameters and the payload is input["Payload"]. An
// error is an *asl.Error named States.Runtime whose cause says exactly what
// is wrong with the resource or the parameters.
func Resolve(resource string, input any) (Binding, any, error) {
	b, err := parseResource(resource)
	if err != nil {
		return Binding{}, nil, err
	}
	if b.Kind == KindLambdaInvoke {
		return resolveLambdaInvoke(resource, b.WaitForToken, input)
	}
	return b, input, nil
}

// CheckResource judges a Task resource as written, as CreateStateMachine
// does: nil when it is one of the forms listed in the package
// documentation, whatever the task's parameters. Unlike Resolve it accepts
// the nested execution integrations, arn:PARTITION:states:::states:startExecution
// with or without .sync, .sync:2 or .waitForTaskToken. An error is an
// *asl.Error whose cause says what is wrong with the string.
func CheckResource(resource string) error {
	_, err := parseResource(resource)
	return err
}

// ParseResource binds a Task resource from the string alone, as
// CheckResource judges it: the Kind, WaitForToken and Suffix of the
// integration pattern written. A lambda:invoke binding has no Function
// yet (it comes from the task's parameters). An error is an *asl.Error
// whose cause says what is wrong with the string.
func ParseResource(resource string) (Binding, error) {
	return parseResource(resource)
}

// Nested reports whether a Task resource starts a nested execution
// (KindNested), whose history carries the child's ExecutionArn.
func Nested(resource string) bool {
	b, err := parseResource(resource)
	return err == nil && b.Kind == KindNested
}

// parseResource binds a resource from the string alone; a lambda:invoke
// binding has no Function yet (it comes from the parameters).
func parseResource(resource string) (Binding, error) {
	if b, ok := parsed.Load(resource); ok {
		return b.(Binding), nil
	}
	b, err := parseResourceText(resource)
	if err == nil && parsedCount.Add(1) <= maxParsed {
		parsed.Store(resource, b)
	}
	return b, err
}

// parsed holds the bindings of the resources parsed so far, up to
// maxParsed of them: every task of a definition binds its resource
// again, and a parse runs two regular expressions.
var (
	parsed      sync.Map
	parsedCount atomic.Int64
)

const maxParsed = 10000

func parseResourceText(resource string) (Binding, error) {
	switch {
	case strings.HasPrefix(resource, NativePrefix):
		return parseNative(resource)
	case arn.Is(resource):
		return parseARN(resource)
	}
	return Binding{}, resourceError(resource,
		"it is neither an ARN (arn:aws:lambda:..., arn:aws:states:...) nor a Stepwise function (%sNAME)", NativePrefix)
}

// resourceError reports a resource that cannot be run as written.
func resourceError(resource, format string, args ...any) *asl.Error {
	return asl.NewError(asl.ErrorRuntime, "invalid Task resource %q: %s", resource, fmt.Sprintf(format, args...))
}

func parseNative(resource string) (Binding, error) {
	name, wait := strings.CutSuffix(strings.TrimPrefix(resource, NativePrefix), asl.WaitForTaskTokenSuffix)
	if problem := nameProblem(name); problem != "" {
		return Binding{}, resourceError(resource, "function name %s", problem)
	}
	return Binding{Kind: KindNative, Function: name, WaitForToken: wait}, nil
}

func parseARN(resource string) (Binding, error) {
	a, err := arn.Parse(resource)
	if err != nil {
		return Binding{}, resourceError(resource, "%v", err)
	}
	switch a.Service {
	case "lambda":
		return lambdaBinding(resource, a)
	case "states":
		return parseStates(resource, a)
	}
	return Binding{}, resourceError(resource,
		"service %q is not supported: Stepwise runs Lambda functions (lambda), and activities and service integrations (states)", a.Service)
}

// lambdaBinding binds a plain Lambda function ARN.
func lambdaBinding(resource string, a arn.ARN) (Binding, error) {
	if problem := regionAccountProblem(a, true); problem != "" {
		return Binding{}, resourceError(resource, "%s", problem)
	}
	name, qualifier, problem := functionResource(a.Resource)
	if problem != "" {
		return Binding{}, resourceError(resource, "%s", problem)
	}
	return Binding{Kind: KindLambda, Function: name, Qualifier: qualifier}, nil
}

// regionAccountProblem checks the region and account of an ARN; required
// says whether they must be present, else they must be both present or
// both absent.
func regionAccountProblem(a arn.ARN, required bool) string {
	if !required && a.Region == "" && a.Account == "" {
		return ""
	}
	if !regionRE.MatchString(a.Region) {
		return fmt.Sprintf("region %q is not a region such as us-east-1", a.Region)
	}
	if !accountRE.MatchString(a.Account) {
		return fmt.Sprintf("account %q is not a 12-digit account id", a.Account)
	}
	return ""
}

// functionResource reads function:NAME[:QUALIFIER], the resource part of a
// Lambda function ARN.
func functionResource(s string) (name, qualifier, problem string) {
	kind, fn, ok := strings.Cut(s, ":")
	if kind != "function" || !ok || strings.Count(fn, ":") > 1 {
		return "", "", fmt.Sprintf("the Lambda resource %q is not function:NAME or function:NAME:QUALIFIER", s)
	}
	return nameAndQualifier(fn)
}

// nameAndQualifier reads NAME[:QUALIFIER] and checks both.
func nameAndQualifier(s string) (name, qualifier, problem string) {
	name, qualifier, _ = strings.Cut(s, ":")
	return name, qualifier, functionProblem(name, qualifier)
}

// functionProblem checks a Lambda function name and optional qualifier.
func functionProblem(name, qualifier string) string {
	if !functionNameRE.MatchString(name) {
		return fmt.Sprintf("function name %q is not 1 to 64 letters, digits, hyphens or underscores", name)
	}
	if qualifier != "" && !qualifierRE.MatchString(qualifier) {
		return fmt.Sprintf("qualifier %q is not $LATEST, a version number or an alias", qualifier)
	}
	return ""
}

// parseStates handles arn:aws:states: resources: activities, the
// lambda:invoke integration, the HTTP Task and the other service and AWS
// SDK integrations.
func parseStates(resource string, a arn.ARN) (Binding, error) {
	kind, rest, _ := strings.Cut(a.Resource, ":")
	if kind == "activity" {
		return activityBinding(resource, a, rest)
	}
	if a.Region != "" || a.Account != "" {
		return Binding{}, resourceError(resource,
			"a service integration has no region or account: write arn:%s:states:::%s", a.Partition, a.Resource)
	}
	if kind == "lambda" {
		op, wait := strings.CutSuffix(rest, asl.WaitForTaskTokenSuffix)
		if op != "invoke" {
			return Binding{}, resourceError(resource,
				"lambda:%s is not supported: Stepwise runs lambda:invoke and lambda:invoke%s", rest, asl.WaitForTaskTokenSuffix)
		}
		return Binding{Kind: KindLambdaInvoke, WaitForToken: wait}, nil
	}
	return serviceBinding(resource, a.Resource)
}

func activityBinding(resource string, a arn.ARN, name string) (Binding, error) {
	if problem := regionAccountProblem(a, false); problem != "" {
		return Binding{}, resourceError(resource, "%s", problem)
	}
	if strings.HasSuffix(name, asl.WaitForTaskTokenSuffix) {
		return Binding{}, resourceError(resource, "an activity takes no %s suffix: workers already answer it with a task token", asl.WaitForTaskTokenSuffix)
	}
	if problem := nameProblem(name); problem != "" {
		return Binding{}, resourceError(resource, "activity name %s", problem)
	}
	return Binding{Kind: KindActivity, Function: name}, nil
}

// nameProblem checks an activity or native function name, which is also
// what Register accepts.
func nameProblem(name string) string {
	if name == "" || len(name) > 80 {
		return fmt.Sprintf("%q is not 1 to 80 characters long", name)
	}
	for _, r := range name {
		if r <= ' ' || (r >= 0x7f && r <= 0x9f) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return fmt.Sprintf("%q contains %q, which a name may not hold", name, r)
		}
	}
	return ""
}

// resolveLambdaInvoke binds lambda:invoke from its parameters, input.
func resolveLambdaInvoke(resource string, wait bool, input any) (Binding, any, error) {
	params, ok := input.(map[string]any)
	if !ok {
		return Binding{}, nil, paramError(resource, "the task's Parameters must be an object with FunctionName, not %s", jsonType(input))
	}
	if err := checkInvokeParams(resource, params); err != nil {
		return Binding{}, nil, err
	}
	b, err := invokeTarget(resource, params)
	if err != nil {
		return Binding{}, nil, err
	}
	b.WaitForToken = wait
	payload, ok := params["Payload"]
	if !ok {
		payload = map[string]any{}
	}
	return b, payload, nil
}

// paramError reports lambda:invoke parameters that cannot be run.
func paramError(resource, format string, args ...any) *asl.Error {
	return asl.NewError(asl.ErrorRuntime, "Task resource %q: %s", resource, fmt.Sprintf(format, args...))
}

// invokeParams are the parameters lambda:invoke takes.
var invokeParams = []string{"ClientContext", "FunctionName", "InvocationType", "LogType", "Payload", "Qualifier"}

func checkInvokeParams(resource string, params map[string]any) error {
	for key := range params {
		if !contains(invokeParams, key) {
			return paramError(resource, "lambda:invoke does not take the parameter %q; it takes %s", key, strings.Join(invokeParams, ", "))
		}
	}
	for _, key := range []string{"ClientContext", "FunctionName", "InvocationType", "LogType", "Qualifier"} {
		if v, ok := params[key]; ok {
			if _, isString := v.(string); !isString {
				return paramError(resource, "the parameter %s must be a string, not %s", key, jsonType(v))
			}
		}
	}
	if t, ok := params["InvocationType"]; ok && t != "RequestResponse" {
		return paramError(resource, "InvocationType %q is not supported: Stepwise runs functions synchronously (RequestResponse)", t)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// invokeTarget reads FunctionName and Qualifier of lambda:invoke.
func invokeTarget(resource string, params map[string]any) (Binding, error) {
	fn, ok := params["FunctionName"].(string)
	if !ok {
		return Binding{}, paramError(resource, "lambda:invoke needs the parameter FunctionName")
	}
	name, qualifier, problem := parseFunctionName(fn)
	if problem != "" {
		return Binding{}, paramError(resource, "FunctionName %q: %s", fn, problem)
	}
	if q, ok := params["Qualifier"].(string); ok {
		if qualifier != "" && q != qualifier {
			return Binding{}, paramError(resource, "FunctionName %q has the qualifier %q but Qualifier is %q", fn, qualifier, q)
		}
		qualifier = q
		if problem := functionProblem(name, qualifier); problem != "" {
			return Binding{}, paramError(resource, "Qualifier: %s", problem)
		}
	}
	return Binding{Kind: KindLambdaInvoke, Function: name, Qualifier: qualifier}, nil
}

// parseFunctionName reads a Lambda FunctionName: NAME[:QUALIFIER],
// ACCOUNT:function:NAME[:QUALIFIER] or a full function ARN.
func parseFunctionName(s string) (name, qualifier, problem string) {
	if arn.Is(s) {
		a, err := arn.Parse(s)
		switch {
		case err != nil:
			return "", "", err.Error()
		case a.Service != "lambda":
			return "", "", fmt.Sprintf("service %q is not lambda", a.Service)
		}
		if problem := regionAccountProblem(a, true); problem != "" {
			return "", "", problem
		}
		return functionResource(a.Resource)
	}
	switch strings.Count(s, ":") {
	case 0, 1:
		return nameAndQualifier(s)
	case 2, 3:
		account, rest, _ := strings.Cut(s, ":")
		if !accountRE.MatchString(account) {
			return "", "", fmt.Sprintf("account %q of the partial ARN is not a 12-digit account id", account)
		}
		return functionResource(rest)
	}
	return "", "", "it is not NAME, NAME:QUALIFIER, ACCOUNT:function:NAME[:QUALIFIER] or a Lambda function ARN"
}

// jsonType names the JSON type of a value of the asl model.
func jsonType(v any) string {
	switch name := asl.JSONType(v); name {
	case "null":
		return name
	case "array", "object":
		return "an " + name
	default:
		return "a " + name
	}
}
