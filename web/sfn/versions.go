package sfn

import (
	"context"
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// Published versions: PublishStateMachineVersion, ListStateMachineVersions,
// DeleteStateMachineVersion, and publish on CreateStateMachine and
// UpdateStateMachine (see engine/versions.go). A version's ARN is the
// machine's with ":N" appended; StartExecution, StartSyncExecution,
// DescribeStateMachine and nested starts take it.

type publishStateMachineVersionInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	Description     *string `json:"description"`
	RevisionID      *string `json:"revisionId"`
}

type publishStateMachineVersionOutput struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	CreationDate           epoch  `json:"creationDate"`
}

// publishStateMachineVersion publishes the machine's current revision,
// or returns the version that already publishes it.
func (a *api) publishStateMachineVersion(ctx context.Context, in *publishStateMachineVersionInput) (*publishStateMachineVersionOutput, error) {
	ref, err := parseWholeMachineARN(in.StateMachineArn, "; publish the state machine's current revision with its unqualified ARN")
	if err != nil {
		return nil, err
	}
	sm, v, _, err := a.eng.PublishVersion(ctx, ref.Name, orEmpty(in.RevisionID), in.Description)
	if err != nil {
		return nil, err
	}
	return &publishStateMachineVersionOutput{StateMachineVersionArn: engine.QualifiedARN(sm.ARN, v.Version), CreationDate: epoch(v.CreatedAt)}, nil
}

// publish publishes revision of the machine sm for CreateStateMachine
// and UpdateStateMachine with publish set; a concurrent update makes it
// ErrConflict.
func (a *api) publish(ctx context.Context, publish bool, sm *store.StateMachine, revision int, description *string) (publishedVersion, error) {
	if !publish {
		if description != nil {
			return publishedVersion{}, awsErrorf(awsValidation, "versionDescription is only accepted when publish is true")
		}
		return publishedVersion{}, nil
	}
	sm, v, _, err := a.eng.PublishVersion(ctx, sm.Name, engine.RevisionID(sm.ID, revision), description)
	if err != nil {
		return publishedVersion{}, err
	}
	return publishedVersion{StateMachineVersionArn: nonEmpty(engine.QualifiedARN(sm.ARN, v.Version))}, nil
}

type listStateMachineVersionsInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	pageRequest
}

type stateMachineVersionListItem struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	CreationDate           epoch  `json:"creationDate"`
}

type listStateMachineVersionsOutput struct {
	StateMachineVersions []stateMachineVersionListItem `json:"stateMachineVersions"`
	NextToken            *string                       `json:"nextToken,omitempty"`
}

// listStateMachineVersions lists a machine's versions, newest first.
func (a *api) listStateMachineVersions(ctx context.Context, in *listStateMachineVersionsInput) (*listStateMachineVersionsOutput, error) {
	ref, err := parseWholeMachineARN(in.StateMachineArn, "; list the versions of the unqualified state machine ARN")
	if err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxResults, 100, 1000)
	if err != nil {
		return nil, err
	}
	pos, err := pageToken(in.NextToken, pagetoken.Versions)
	if err != nil {
		return nil, err
	}
	before := 0
	if pos != nil {
		before = int(pos.ID)
	}
	sm, versions, err := a.eng.ListPublishedVersions(ctx, ref.Name, before, limit+1)
	if err != nil {
		return nil, err
	}
	if pos != nil && pos.Of != sm.ID {
		return nil, awsErrorf(awsInvalidToken, "Invalid Token: 'the nextToken belongs to another state machine'")
	}
	out := &listStateMachineVersionsOutput{StateMachineVersions: []stateMachineVersionListItem{}}
	if len(versions) > limit {
		versions = versions[:limit]
		out.NextToken = pagetoken.Token{Kind: pagetoken.Versions, ID: int64(versions[limit-1].Version), Of: sm.ID}.Ptr()
	}
	for _, v := range versions {
		out.StateMachineVersions = append(out.StateMachineVersions, stateMachineVersionListItem{
			StateMachineVersionArn: engine.QualifiedARN(sm.ARN, v.Version), CreationDate: epoch(v.CreatedAt)})
	}
	return out, nil
}

type deleteStateMachineVersionInput struct {
	StateMachineVersionArn *string `json:"stateMachineVersionArn"`
}

// deleteStateMachineVersion deletes a version; one an alias routes to is
// a ConflictException. As on AWS, deleting a version (or of a machine)
// that does not exist succeeds.
func (a *api) deleteStateMachineVersion(ctx context.Context, in *deleteStateMachineVersionInput) (*emptyOutput, error) {
	ref, err := parseVersionARN("stateMachineVersionArn", in.StateMachineVersionArn)
	if err != nil {
		return nil, err
	}
	err = a.eng.DeletePublishedVersion(ctx, ref.Name, ref.Version)
	if errors.Is(err, engine.ErrVersionDoesNotExist) || errors.Is(err, engine.ErrStateMachineDoesNotExist) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return &emptyOutput{}, nil
}

// parseVersionARN parses the ARN of a version (MACHINE:N).
func parseVersionARN(field string, s *string) (arn.StateMachine, error) {
	ref, err := parseQualifiedARN(field, s)
	if err == nil && ref.Version == 0 {
		return ref, awsErrorf(awsValidation, "'%s' is not a state machine version ARN (arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME:VERSION)", *s)
	}
	return ref, err
}

// describeVersion describes version ref.Version for DescribeStateMachine:
// its definition and revision, stateMachineArn its own ARN.
func (a *api) describeVersion(ctx context.Context, ref arn.StateMachine) (*describeStateMachineOutput, error) {
	d, err := a.eng.DescribeVersion(ctx, ref.Name, ref.Version)
	if errors.Is(err, engine.ErrVersionDoesNotExist) {
		return nil, fmt.Errorf("%w: State Machine Does Not Exist: '%s'", engine.ErrStateMachineDoesNotExist, ref)
	}
	if err != nil {
		return nil, err
	}
	out, err := a.describeRevision(ctx, d.StateMachine, d.Revision)
	if err != nil {
		return nil, err
	}
	out.StateMachineArn, out.CreationDate, out.Description = d.ARN(), epoch(d.Version.CreatedAt), d.Version.Description
	return out, nil
}

// describeRevision describes the machine sm as of a revision.
func (a *api) describeRevision(ctx context.Context, sm *store.StateMachine, rev *store.Version) (*describeStateMachineOutput, error) {
	logging, err := a.loggingOut(ctx, sm.ID)
	if err != nil {
		return nil, err
	}
	tracing, encryption := configOut(rev.Config)
	return &describeStateMachineOutput{
		StateMachineArn: sm.ARN, Name: sm.Name, Status: "ACTIVE", Definition: rev.Definition,
		RoleArn: engine.RoleOf(rev.Config, sm.ARN), Type: sm.Type, CreationDate: epoch(sm.CreatedAt),
		RevisionID: engine.RevisionID(sm.ID, rev.Version), LoggingConfiguration: logging,
		TracingConfiguration: tracing, EncryptionConfiguration: encryption,
	}, nil
}
