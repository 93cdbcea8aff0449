package sfn

import (
	"context"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// billingDetails is what AWS bills an Express execution.
type billingDetails struct {
	BilledMemoryUsedInMB         int64 `json:"billedMemoryUsedInMB"`
	BilledDurationInMilliseconds int64 `json:"billedDurationInMilliseconds"`
}

// express reports whether machine names an EXPRESS state machine. Anything
// it cannot tell (no ARN, a bad one, a machine that does not exist) is
// false: the STANDARD path answers those as it always has.
func (a *api) express(ctx context.Context, machine *string) bool {
	if machine == nil {
		return false
	}
	m, _, _ := arn.CutTestCase(*machine)
	ref, err := parseQualifiedARN("stateMachineArn", &m)
	if err != nil {
		return false
	}
	typ, err := a.eng.MachineType(ctx, ref.Name, 0) // every revision has the machine's type
	return err == nil && typ == store.TypeExpress
}

// startSyncExpress runs an execution of an EXPRESS machine in this
// process and answers how it ended, billing details included.
func (a *api) startSyncExpress(ctx context.Context, in *startExecutionInput, included bool) (*startSyncExecutionOutput, error) {
	machine, testCase, _ := arn.CutTestCase(orEmpty(in.StateMachineArn))
	ref, err := parseQualifiedARN("stateMachineArn", &machine)
	if err != nil {
		return nil, err
	}
	res, err := a.eng.StartSyncExpress(ctx, engine.StartInput{
		StateMachine: ref.String(), Name: orEmpty(in.Name), Input: orEmpty(in.Input), TestCase: testCase,
	})
	if err != nil {
		return nil, err
	}
	stop := epoch(res.StopDate)
	out := &startSyncExecutionOutput{
		executionResult: executionResult{
			executionSummary: executionSummary{
				ExecutionArn: res.ExecutionARN, StateMachineArn: res.StateMachineARN, Name: res.Name, Status: res.Status,
				StartDate: epoch(res.StartDate), StopDate: &stop,
			},
			InputDetails: dataDetails{Included: included}, Error: nonEmpty(res.Error), Cause: nonEmpty(res.Cause),
		},
		BillingDetails: &billingDetails{
			BilledMemoryUsedInMB: int64(res.BilledMemoryMB), BilledDurationInMilliseconds: res.BilledDuration.Milliseconds(),
		},
	}
	if included {
		out.Input, out.Output = &res.Input, res.Output
		if res.Output != nil {
			out.OutputDetails = &dataDetails{Included: true}
		}
	}
	return out, nil
}
