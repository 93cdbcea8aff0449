package sfn

import (
	"context"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/arn"
)

// testState evaluates one state on its own (AWS's TestState); the request
// and response bodies are the engine's, which has AWS's shape.
func (a *api) testState(ctx context.Context, in *engine.TestStateInput) (*engine.TestStateResult, error) {
	if err := definitionField("definition", nonEmpty(in.Definition), true); err != nil {
		return nil, err
	}
	if in.RoleArn != "" {
		if _, err := arn.Parse(in.RoleArn); err != nil {
			return nil, awsErrorf(awsInvalidArn, "Invalid Arn: '%s' is not a role ARN", in.RoleArn)
		}
	}
	return a.eng.TestState(ctx, in)
}
