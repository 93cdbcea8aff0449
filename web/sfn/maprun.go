package sfn

import (
	"context"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// Map run operations: DescribeMapRun, ListMapRuns and UpdateMapRun, on
// the Map runs of Distributed Maps (engine/api_maprun.go), and
// ListExecutions with mapRunArn (executions.go).

type mapRunRef struct {
	MapRunArn *string `json:"mapRunArn"`
}

type mapRunCounts struct {
	Pending               int64 `json:"pending"`
	Running               int64 `json:"running"`
	Succeeded             int64 `json:"succeeded"`
	Failed                int64 `json:"failed"`
	TimedOut              int64 `json:"timedOut"`
	Aborted               int64 `json:"aborted"`
	Total                 int64 `json:"total"`
	ResultsWritten        int64 `json:"resultsWritten"`
	FailuresNotRedrivable int64 `json:"failuresNotRedrivable"`
	PendingRedrive        int64 `json:"pendingRedrive"`
}

type describeMapRunOutput struct {
	MapRunArn                  string       `json:"mapRunArn"`
	ExecutionArn               string       `json:"executionArn"`
	Status                     string       `json:"status"`
	StartDate                  epoch        `json:"startDate"`
	StopDate                   *epoch       `json:"stopDate,omitempty"`
	MaxConcurrency             int32        `json:"maxConcurrency"`
	ToleratedFailurePercentage float32      `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int64        `json:"toleratedFailureCount"`
	ItemCounts                 mapRunCounts `json:"itemCounts"`
	ExecutionCounts            mapRunCounts `json:"executionCounts"`
	RedriveCount               int32        `json:"redriveCount"`
	RedriveDate                *epoch       `json:"redriveDate,omitempty"`
}

// mapRunARN checks the mapRunArn of a request.
func mapRunARN(s *string) (string, error) {
	if err := required("mapRunArn", s); err != nil {
		return "", err
	}
	return *s, nil
}

// describeMapRun describes a Map run with its counts.
func (a *api) describeMapRun(ctx context.Context, in *mapRunRef) (*describeMapRunOutput, error) {
	ref, err := mapRunARN(in.MapRunArn)
	if err != nil {
		return nil, err
	}
	mr, err := a.eng.MapRun(ctx, ref)
	if err != nil {
		return nil, err
	}
	c := mapRunCounts(mr.Counts)
	return &describeMapRunOutput{MapRunArn: mr.ARN, ExecutionArn: mr.ExecutionARN, Status: mr.Status,
		StartDate: epoch(mr.StartedAt), StopDate: epochOf(mr.StoppedAt), MaxConcurrency: mr.MaxConcurrency,
		ToleratedFailurePercentage: mr.ToleratedFailurePercentage, ToleratedFailureCount: mr.ToleratedFailureCount,
		ItemCounts: c, ExecutionCounts: c, RedriveCount: mr.RedriveCount, RedriveDate: epochOf(mr.RedriveDate)}, nil
}

type listMapRunsInput struct {
	ExecutionArn *string `json:"executionArn"`
	pageRequest
}

type mapRunListItem struct {
	ExecutionArn    string `json:"executionArn"`
	MapRunArn       string `json:"mapRunArn"`
	StateMachineArn string `json:"stateMachineArn"`
	StartDate       epoch  `json:"startDate"`
	StopDate        *epoch `json:"stopDate,omitempty"`
}

type listMapRunsOutput struct {
	MapRuns   []mapRunListItem `json:"mapRuns"`
	NextToken *string          `json:"nextToken,omitempty"`
}

// listMapRuns lists an execution's Map runs, oldest first.
func (a *api) listMapRuns(ctx context.Context, in *listMapRunsInput) (*listMapRunsOutput, error) {
	execARN, err := parseExecutionARN("executionArn", in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxResults, 100, 1000)
	if err != nil {
		return nil, err
	}
	pos, err := pageToken(in.NextToken, pagetoken.MapRuns)
	if err != nil {
		return nil, err
	}
	exec, err := a.eng.Execution(ctx, execARN)
	if err != nil {
		return nil, err
	}
	after := int64(0)
	if pos != nil {
		if pos.Of != exec.ID {
			return nil, awsErrorf(awsInvalidToken, "Invalid Token: 'the nextToken belongs to another execution's listing'")
		}
		after = pos.ID
	}
	runs, next, err := a.eng.ListMapRuns(ctx, execARN, after, limit)
	if err != nil {
		return nil, err
	}
	out := &listMapRunsOutput{MapRuns: []mapRunListItem{}}
	if next != 0 {
		out.NextToken = pagetoken.Token{Kind: pagetoken.MapRuns, Of: exec.ID, ID: next}.Ptr()
	}
	for _, mr := range runs {
		out.MapRuns = append(out.MapRuns, mapRunListItem{ExecutionArn: exec.ARN, MapRunArn: mr.ARN,
			StateMachineArn: machineARN(exec), StartDate: epoch(mr.StartedAt), StopDate: epochOf(mr.StoppedAt)})
	}
	return out, nil
}

type updateMapRunInput struct {
	mapRunRef
	MaxConcurrency             *int     `json:"maxConcurrency"`
	ToleratedFailureCount      *int64   `json:"toleratedFailureCount"`
	ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage"`
}

// updateMapRun changes a running Map run's concurrency and tolerance.
func (a *api) updateMapRun(ctx context.Context, in *updateMapRunInput) (struct{}, error) {
	ref, err := mapRunARN(in.MapRunArn)
	if err != nil {
		return struct{}{}, err
	}
	return struct{}{}, a.eng.UpdateMapRun(ctx, ref, engine.MapRunUpdate{MaxConcurrency: in.MaxConcurrency,
		ToleratedFailureCount: in.ToleratedFailureCount, ToleratedFailurePercentage: in.ToleratedFailurePercentage})
}
