package engine

import (
	"fmt"
	"maps"
	"slices"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/internal/arn"
)

// Activity bindings let an activity worker in any language serve a service
// integration: Config.ActivityBindings maps an integration name, as
// activities.RegisterIntegration takes it, to an activity, and dispatch
// parks a task that no registered function serves on that activity (see
// serving). The worker polls with GetActivityTask and answers with
// SendTaskSuccess or SendTaskFailure; history still names the service.

// checkActivityBindings validates Config.ActivityBindings and returns it
// with every activity given by name.
func checkActivityBindings(bindings map[string]string) (map[string]string, error) {
	if len(bindings) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(bindings))
	for _, name := range slices.Sorted(maps.Keys(bindings)) {
		activity, err := bindingActivity(name, bindings[name])
		if err != nil {
			return nil, fmt.Errorf("engine: activity binding %s=%s: %w", name, bindings[name], err)
		}
		out[name] = activity
	}
	return out, nil
}

// CheckActivityBinding returns an error saying what is wrong with binding
// the service integration name to activity (a name or an activity ARN) in
// Config.ActivityBindings, and nil when New accepts it.
func CheckActivityBinding(name, activity string) error {
	_, err := bindingActivity(name, activity)
	return err
}

// bindingActivity checks one binding and returns its activity's name.
func bindingActivity(name, activity string) (string, error) {
	if name == activities.HTTPInvoke {
		return "", fmt.Errorf("the HTTP Task (%s) is served by the engine itself, under its egress policy; it cannot be bound to an activity", name)
	}
	if err := activities.CheckIntegration(name); err != nil {
		return "", fmt.Errorf("not a service integration name such as sqs:sendMessage, glue:startJobRun.sync or aws-sdk:s3:*: %w", err)
	}
	if arn.Is(activity) {
		if !arn.IsActivity(activity) {
			return "", fmt.Errorf("%s is not an activity ARN", activity)
		}
		activity = arn.Name(activity)
	}
	if err := checkName(activity); err != nil {
		return "", fmt.Errorf("activity name: %w", err)
	}
	return activity, nil
}

// boundActivity returns the activity a registry name of binding b is bound
// to; only service integrations are bound.
func (e *Engine) boundActivity(b activities.Binding, name string) (string, bool) {
	if b.Kind != activities.KindService {
		return "", false
	}
	activity, ok := e.cfg.ActivityBindings[name]
	return activity, ok
}
