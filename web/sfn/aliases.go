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

// Aliases: CreateStateMachineAlias, DescribeStateMachineAlias,
// UpdateStateMachineAlias, DeleteStateMachineAlias and
// ListStateMachineAliases (see engine/aliases.go). An alias's ARN is the
// machine's with ":ALIAS" appended; StartExecution, StartSyncExecution
// and nested starts take it and run one of its versions, picked by
// weight.

// routingItem is one entry of a routingConfiguration.
type routingItem struct {
	StateMachineVersionArn *string `json:"stateMachineVersionArn"`
	Weight                 int     `json:"weight"`
}

// routes reads a routingConfiguration of versions of the machine
// machine; a version ARN of another machine is a ValidationException.
func routes(machine string, items []routingItem) ([]store.Route, error) {
	out := make([]store.Route, len(items))
	for i, item := range items {
		ref, err := parseVersionARN(fmt.Sprintf("routingConfiguration.%d.member.stateMachineVersionArn", i+1), item.StateMachineVersionArn)
		if err != nil {
			return nil, err
		}
		if ref.Name != machine {
			return nil, awsErrorf(awsValidation, "Routing configuration can only contain versions of state machine '%s', not '%s'", machine, *item.StateMachineVersionArn)
		}
		out[i] = store.Route{Version: ref.Version, Weight: item.Weight}
	}
	return out, nil
}

// routingOut is an alias's routes as AWS answers them.
func routingOut(sm *store.StateMachine, a *store.Alias) []routingItem {
	out := make([]routingItem, len(a.Routes))
	for i, r := range a.Routes {
		out[i] = routingItem{StateMachineVersionArn: nonEmpty(engine.QualifiedARN(sm.ARN, r.Version)), Weight: r.Weight}
	}
	return out
}

type createStateMachineAliasInput struct {
	Name                 *string       `json:"name"`
	Description          *string       `json:"description"`
	RoutingConfiguration []routingItem `json:"routingConfiguration"`
}

type createStateMachineAliasOutput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         epoch  `json:"creationDate"`
}

// createStateMachineAlias creates an alias of the machine of its first
// version; creating it again with the same configuration returns it.
func (a *api) createStateMachineAlias(ctx context.Context, in *createStateMachineAliasInput) (*createStateMachineAliasOutput, error) {
	if err := errors.Join(nameField("name", in.Name), sensitive(maxLength("description", in.Description, maxDescription)),
		requiredList("routingConfiguration", in.RoutingConfiguration)); err != nil {
		return nil, err
	}
	if len(in.RoutingConfiguration) == 0 {
		empty := "[]"
		return nil, &violation{path: "routingConfiguration", value: &empty, constraint: "Member must have length greater than or equal to 1"}
	}
	first, err := parseVersionARN("routingConfiguration.1.member.stateMachineVersionArn", in.RoutingConfiguration[0].StateMachineVersionArn)
	if err != nil {
		return nil, err
	}
	rs, err := routes(first.Name, in.RoutingConfiguration)
	if err != nil {
		return nil, err
	}
	sm, alias, _, err := a.eng.CreateAlias(ctx, first.Name, engine.AliasSpec{Name: *in.Name, Description: in.Description, Routes: rs})
	if err != nil {
		return nil, err
	}
	return &createStateMachineAliasOutput{StateMachineAliasArn: engine.AliasARN(sm, alias), CreationDate: epoch(alias.CreatedAt)}, nil
}

type aliasRef struct {
	StateMachineAliasArn *string `json:"stateMachineAliasArn"`
}

// parse reads the stateMachineAliasArn.
func (r aliasRef) parse() (arn.StateMachine, error) {
	ref, err := parseQualifiedARN("stateMachineAliasArn", r.StateMachineAliasArn)
	if err == nil && ref.Alias == "" {
		return ref, awsErrorf(awsValidation, "'%s' is not a state machine alias ARN (arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME:ALIAS)", *r.StateMachineAliasArn)
	}
	return ref, err
}

type describeStateMachineAliasOutput struct {
	StateMachineAliasArn string        `json:"stateMachineAliasArn"`
	Name                 string        `json:"name"`
	Description          *string       `json:"description,omitempty"`
	RoutingConfiguration []routingItem `json:"routingConfiguration"`
	CreationDate         epoch         `json:"creationDate"`
	UpdateDate           epoch         `json:"updateDate"`
}

// describeStateMachineAlias describes an alias.
func (a *api) describeStateMachineAlias(ctx context.Context, in *aliasRef) (*describeStateMachineAliasOutput, error) {
	ref, err := in.parse()
	if err != nil {
		return nil, err
	}
	sm, alias, err := a.eng.Alias(ctx, ref.Name, ref.Alias)
	if err != nil {
		return nil, err
	}
	return &describeStateMachineAliasOutput{
		StateMachineAliasArn: engine.AliasARN(sm, alias), Name: alias.Name, Description: alias.Description,
		RoutingConfiguration: routingOut(sm, alias), CreationDate: epoch(alias.CreatedAt), UpdateDate: epoch(alias.UpdatedAt),
	}, nil
}

type updateStateMachineAliasInput struct {
	aliasRef
	Description          *string       `json:"description"`
	RoutingConfiguration []routingItem `json:"routingConfiguration"`
}

type updateStateMachineAliasOutput struct {
	UpdateDate epoch `json:"updateDate"`
}

// updateStateMachineAlias replaces an alias's description, its routes or
// both.
func (a *api) updateStateMachineAlias(ctx context.Context, in *updateStateMachineAliasInput) (*updateStateMachineAliasOutput, error) {
	ref, err := in.parse()
	if err != nil {
		return nil, err
	}
	var rs []store.Route
	if in.RoutingConfiguration != nil {
		if rs, err = routes(ref.Name, in.RoutingConfiguration); err != nil {
			return nil, err
		}
	}
	alias, err := a.eng.UpdateAlias(ctx, ref.Name, ref.Alias, in.Description, rs)
	if err != nil {
		return nil, err
	}
	return &updateStateMachineAliasOutput{UpdateDate: epoch(alias.UpdatedAt)}, nil
}

// deleteStateMachineAlias deletes an alias; executions started through
// it keep running.
func (a *api) deleteStateMachineAlias(ctx context.Context, in *aliasRef) (*emptyOutput, error) {
	ref, err := in.parse()
	if err != nil {
		return nil, err
	}
	if err := a.eng.DeleteAlias(ctx, ref.Name, ref.Alias); err != nil {
		return nil, err
	}
	return &emptyOutput{}, nil
}

type listStateMachineAliasesInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	pageRequest
}

type stateMachineAliasListItem struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         epoch  `json:"creationDate"`
}

type listStateMachineAliasesOutput struct {
	StateMachineAliases []stateMachineAliasListItem `json:"stateMachineAliases"`
	NextToken           *string                     `json:"nextToken,omitempty"`
}

// listStateMachineAliases lists a machine's aliases in name order; with a
// version ARN, those that route to the version.
func (a *api) listStateMachineAliases(ctx context.Context, in *listStateMachineAliasesInput) (*listStateMachineAliasesOutput, error) {
	ref, err := parseMachineARN("stateMachineArn", in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	var sm *store.StateMachine
	list := func(ctx context.Context, after string, limit int) ([]*store.Alias, error) {
		var aliases []*store.Alias
		sm, aliases, err = a.eng.ListAliases(ctx, ref.Name, ref.Version, after, limit)
		return aliases, err
	}
	aliases, next, err := byName(ctx, pagetoken.Aliases, in.pageRequest, list,
		func(alias *store.Alias) string { return alias.Name },
		func(alias *store.Alias) *store.Alias { return alias })
	if err != nil {
		return nil, err
	}
	out := &listStateMachineAliasesOutput{StateMachineAliases: []stateMachineAliasListItem{}, NextToken: next}
	for _, alias := range aliases {
		out.StateMachineAliases = append(out.StateMachineAliases, stateMachineAliasListItem{
			StateMachineAliasArn: engine.AliasARN(sm, alias), CreationDate: epoch(alias.CreatedAt)})
	}
	return out, nil
}
