package activities

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/arn"
)

// Integration pattern suffixes of a service integration's resource besides
// asl.WaitForTaskTokenSuffix.
const (
	// SyncSuffix runs a job and waits for it to complete.
	SyncSuffix = ".sync"
	// Sync2Suffix is SyncSuffix for the integrations whose completed job
	// AWS reports as parsed JSON (for example states:startExecution).
	Sync2Suffix = ".sync:2"
)

// HTTPInvoke is the registry name of the function that serves the HTTP
// Task, arn:aws:states:::http:invoke.
const HTTPInvoke = "http:invoke"

// NestedStart is the Function of a KindNested binding: the engine starts
// the nested execution itself, no registered function serves it.
const NestedStart = "states:startExecution"

// SDKPrefix starts the name of an AWS SDK integration:
// aws-sdk:SERVICE:ACTION.
const SDKPrefix = "aws-sdk:"

var (
	serviceRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	actionRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)
)

// integration is a service integration's name read from the resource part
// after "states:::": SERVICE:ACTION or aws-sdk:SERVICE:ACTION, and the
// integration pattern suffix.
type integration struct {
	// service is "sns" or "aws-sdk:s3".
	service string
	action  string
	suffix  string
}

// nested reports whether the integration starts a nested execution:
// states:startExecution (any pattern) or aws-sdk:sfn:startExecution.
func (i integration) nested() bool {
	return (i.service == "states" || i.service == SDKPrefix+"sfn") && i.action == "startExecution"
}

// name is the registry name of the integration without its suffix.
func (i integration) name() string { return i.service + ":" + i.action }

// parseIntegration reads SERVICE:ACTION[SUFFIX] or
// aws-sdk:SERVICE:ACTION[SUFFIX]. With wildcard, ACTION may be "*" (then
// without a suffix). It does not judge which services Stepwise serves.
func parseIntegration(s string, wildcard bool) (integration, string) {
	var i integration
	rest := s
	sdk := strings.HasPrefix(s, SDKPrefix)
	if sdk {
		rest = strings.TrimPrefix(s, SDKPrefix)
	}
	service, action, ok := strings.Cut(rest, ":")
	if !ok {
		return i, fmt.Sprintf("%q is not SERVICE:ACTION or %sSERVICE:ACTION", s, SDKPrefix)
	}
	for _, suffix := range []string{asl.WaitForTaskTokenSuffix, Sync2Suffix, SyncSuffix} {
		if a, found := strings.CutSuffix(action, suffix); found {
			action, i.suffix = a, suffix
			break
		}
	}
	if !serviceRE.MatchString(service) {
		return i, fmt.Sprintf("service %q is not lowercase letters, digits and hyphens", service)
	}
	switch {
	case wildcard && action == "*" && i.suffix == "":
	case !actionRE.MatchString(action):
		return i, fmt.Sprintf("action %q is not an API action name such as publish or putItem (letters and digits)", action)
	}
	if sdk {
		service = SDKPrefix + service
	}
	i.service, i.action = service, action
	return i, ""
}

// serviceBinding binds the resource part of an
// arn:PARTITION:states::: service integration that is not lambda:invoke or
// an activity.
func serviceBinding(resource, s string) (Binding, error) {
	i, problem := parseIntegration(s, false)
	if problem != "" {
		return Binding{}, resourceError(resource, "%s", problem)
	}
	if i.nested() && (i.service == "states" || !strings.HasPrefix(i.suffix, SyncSuffix)) {
		return Binding{Kind: KindNested, Function: NestedStart, Suffix: i.suffix, WaitForToken: i.suffix == asl.WaitForTaskTokenSuffix}, nil
	}
	if problem := builtinProblem(i); problem != "" {
		return Binding{}, resourceError(resource, "%s", problem)
	}
	if i.service == "http" {
		return Binding{Kind: KindHTTP, Function: HTTPInvoke}, nil
	}
	return Binding{Kind: KindService, Function: i.name(), Suffix: i.suffix, WaitForToken: i.suffix == asl.WaitForTaskTokenSuffix}, nil
}

// builtinProblem says why an integration cannot be a bound service: the
// services Stepwise runs itself and the patterns AWS refuses.
func builtinProblem(i integration) string {
	switch {
	case i.nested() && i.service == "states":
		return fmt.Sprintf("%s starts a nested execution, which Stepwise runs itself", i.name())
	case i.service == "states":
		return fmt.Sprintf("states:%s is not an integration: the one of Step Functions itself is states:startExecution", i.action)
	case i.service == "http" && (i.action != "invoke" || i.suffix != ""):
		return fmt.Sprintf("the HTTP Task is http:invoke, request-response only, not http:%s%s", i.action, i.suffix)
	case i.service == "lambda" || i.service == "activity":
		return fmt.Sprintf("%s is not a service integration Stepwise binds to functions: use lambda:invoke or an activity ARN", i.name())
	case strings.HasPrefix(i.service, SDKPrefix) && strings.HasPrefix(i.suffix, SyncSuffix):
		return fmt.Sprintf("AWS SDK integrations do not support %s: use request-response (no suffix) or %s", i.suffix, asl.WaitForTaskTokenSuffix)
	case i.nested():
		return fmt.Sprintf("%s starts a nested execution, which Stepwise runs itself", i.name())
	}
	return ""
}

// Names returns the registry names that may serve the binding, the most
// specific first: for a service integration SERVICE:ACTION with the suffix
// (if any), SERVICE:ACTION, then SERVICE:*; for any other kind, Function.
func (b Binding) Names() []string {
	if b.Kind != KindService {
		return []string{b.Function}
	}
	names := make([]string, 0, 3)
	if b.Suffix != "" {
		names = append(names, b.Function+b.Suffix)
	}
	service := b.Function[:strings.LastIndexByte(b.Function, ':')]
	return append(names, b.Function, service+":*")
}

// RegisterIntegration binds fn to a service integration, for Task
// resources arn:PARTITION:states:::NAME[SUFFIX]. name is SERVICE:ACTION
// ("sns:publish", "dynamodb:putItem"), aws-sdk:SERVICE:ACTION
// ("aws-sdk:s3:getObject"), either with ACTION "*" to serve every action of
// the service ("sqs:*", "aws-sdk:s3:*"), or SERVICE:ACTION with a suffix
// (".sync", ".sync:2", ".waitForTaskToken") to serve only that pattern. A
// resource is served by the most specific registered name (see
// Binding.Names).
//
// fn receives the task's effective input (its Parameters or Arguments) as
// the service would, and returns the service's response, which is the
// task's result unchanged; both go through encoding/json as with Register.
// Use Info to read the resource and the task token. lambda:invoke and
// states:* cannot be registered here.
// Registering an invalid name, a nil fn or a name twice panics.
func RegisterIntegration[In, Out any](reg *Registry, name string, fn func(ctx context.Context, in In) (Out, error)) {
	if fn == nil {
		panic(fmt.Sprintf("activities: RegisterIntegration %q: nil function", name))
	}
	if err := CheckIntegration(name); err != nil {
		panic(fmt.Sprintf("activities: RegisterIntegration %q: %v", name, err))
	}
	reg.add(name, adapt(name, fn))
}

// CheckIntegration returns an error saying what is wrong with name as a
// service integration name that RegisterIntegration takes
// (SERVICE:ACTION, aws-sdk:SERVICE:ACTION, either with ACTION "*", or
// SERVICE:ACTION with a pattern suffix), and nil when it is one.
func CheckIntegration(name string) error {
	if arn.Is(name) {
		return errors.New("name the integration without arn:PARTITION:states:::, as in sns:publish")
	}
	i, problem := parseIntegration(name, true)
	if problem == "" {
		problem = builtinProblem(i)
	}
	if problem != "" {
		return errors.New(problem)
	}
	return nil
}

// Unbound is the error of a task whose resource no registered function
// serves: States.Runtime, which no retrier or catcher handles, with the
// registration that would serve it (or, for a service integration, the
// activity binding).
func Unbound(b Binding, resource string) *asl.Error {
	how := fmt.Sprintf("activities.Register(reg, %q, fn)", b.Function)
	switch b.Kind {
	case KindService:
		how = fmt.Sprintf("activities.RegisterIntegration(reg, %q, fn), or serve it with activity workers (--bind-activity %s=ACTIVITY)", b.Function, b.Function)
	case KindHTTP:
		how = fmt.Sprintf("activities.RegisterIntegration(reg, %q, fn)", b.Function)
	}
	return asl.NewError(asl.ErrorRuntime, "no worker has registered a function for resource %s: bind one with %s", resource, how)
}

// HistoryResource splits a Task's resource as AWS names it in history
// events (resourceType and resource): arn:aws:states:::sns:publish is sns
// and publish, arn:aws:states:::aws-sdk:s3:getObject is aws-sdk:s3 and
// getObject, and a suffix stays on the action
// (glue, startJobRun.sync; lambda, invoke.waitForTaskToken). A Lambda
// function ARN is lambda and invoke (AWS records such a Task as
// LambdaFunction events, which Stepwise does not have); any other ARN is
// its service and the whole ARN, and anything else is unknown and the
// whole resource.
func HistoryResource(resource string) (resourceType, name string) {
	a, err := arn.Parse(resource)
	if err != nil {
		return "unknown", resource
	}
	service, action, _ := strings.Cut(a.Resource, ":")
	switch {
	case a.Service == "states" && a.Region == "" && a.Account == "" && action != "":
		if service+":" == SDKPrefix {
			sdkService, sdkAction, ok := strings.Cut(action, ":")
			if ok {
				return SDKPrefix + sdkService, sdkAction
			}
		}
		return service, action
	case a.Service == "lambda" && service == "function":
		return "lambda", "invoke"
	}
	return a.Service, resource
}
