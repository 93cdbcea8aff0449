package web

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store"
)

// activityPoll is how long GetActivityTask waits for a task, as AWS does.
const activityPoll = 60 * time.Second

type activityRef struct {
	ActivityArn *string `json:"activityArn"`
}

type activityItem struct {
	ActivityArn  string `json:"activityArn"`
	Name         string `json:"name"`
	CreationDate epoch  `json:"creationDate"`
}

func activityOf(a *store.Activity) activityItem {
	return activityItem{ActivityArn: a.ARN, Name: a.Name, CreationDate: epoch(a.CreatedAt)}
}

type createActivityInput struct {
	Name *string `json:"name"`
	Tags []any   `json:"tags"`
}

type createActivityOutput struct {
	ActivityArn  string `json:"activityArn"`
	CreationDate epoch  `json:"creationDate"`
}

// createActivity creates an activity, or returns the one of that name.
func (a *awsAPI) createActivity(ctx context.Context, in *createActivityInput) (*createActivityOutput, error) {
	if err := required("name", in.Name); err != nil {
		return nil, err
	}
	act, err := a.eng.CreateActivity(ctx, *in.Name)
	if err != nil {
		return nil, err
	}
	return &createActivityOutput{ActivityArn: act.ARN, CreationDate: epoch(act.CreatedAt)}, nil
}

// describeActivity describes an activity.
func (a *awsAPI) describeActivity(ctx context.Context, in *activityRef) (*activityItem, error) {
	if err := required("activityArn", in.ActivityArn); err != nil {
		return nil, err
	}
	act, err := a.eng.DescribeActivity(ctx, *in.ActivityArn)
	if err != nil {
		return nil, err
	}
	item := activityOf(act)
	return &item, nil
}

type listActivitiesInput struct {
	MaxResults int     `json:"maxResults"`
	NextToken  *string `json:"nextToken"`
}

type listActivitiesOutput struct {
	Activities []activityItem `json:"activities"`
	NextToken  *string        `json:"nextToken,omitempty"`
}

// listActivities lists activities in name order; the next token is the
// last name of the page.
func (a *awsAPI) listActivities(ctx context.Context, in *listActivitiesInput) (*listActivitiesOutput, error) {
	limit, err := pageSize(in.MaxResults, 100, 1000)
	if err != nil {
		return nil, err
	}
	acts, err := a.eng.ListActivities(ctx, orEmpty(in.NextToken), limit+1)
	if err != nil {
		return nil, err
	}
	out := &listActivitiesOutput{Activities: []activityItem{}}
	for i, act := range acts {
		if i == limit {
			last := acts[i-1].Name
			out.NextToken = &last
			break
		}
		out.Activities = append(out.Activities, activityOf(act))
	}
	return out, nil
}

// deleteActivity deletes an activity.
func (a *awsAPI) deleteActivity(ctx context.Context, in *activityRef) (*struct{}, error) {
	if err := required("activityArn", in.ActivityArn); err != nil {
		return nil, err
	}
	return &struct{}{}, a.eng.DeleteActivity(ctx, *in.ActivityArn)
}

type getActivityTaskInput struct {
	ActivityArn *string `json:"activityArn"`
	WorkerName  *string `json:"workerName"`
}

type getActivityTaskOutput struct {
	TaskToken *string `json:"taskToken,omitempty"`
	Input     *string `json:"input,omitempty"`
}

// getActivityTask long-polls for a task of the activity; an empty answer
// means none came within a minute.
func (a *awsAPI) getActivityTask(ctx context.Context, in *getActivityTaskInput) (*getActivityTaskOutput, error) {
	if err := required("activityArn", in.ActivityArn); err != nil {
		return nil, err
	}
	task, err := a.eng.GetActivityTask(ctx, *in.ActivityArn, orEmpty(in.WorkerName), activityPoll)
	if err != nil || task == nil {
		return &getActivityTaskOutput{}, err
	}
	return &getActivityTaskOutput{TaskToken: &task.Token, Input: &task.Input}, nil
}
