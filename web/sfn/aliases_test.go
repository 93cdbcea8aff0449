package sfn

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"
)

// route is a routingConfiguration entry.
func route(version string, weight int32) types.RoutingConfigurationListItem {
	return types.RoutingConfigurationListItem{StateMachineVersionArn: aws.String(version), Weight: weight}
}

// twoVersions creates a machine with versions 1 (output "a") and 2
// (output "b") and returns its ARN.
func (h *awsHarness) twoVersions(name string) string {
	h.t.Helper()
	machine := h.machineOf(name, passOf("a"))
	h.publish(machine)
	h.update(machine, passOf("b"), true)
	return machine
}

// alias creates an alias and returns its ARN.
func (h *awsHarness) alias(name string, routes ...types.RoutingConfigurationListItem) string {
	h.t.Helper()
	out, err := h.client.CreateStateMachineAlias(context.Background(), &sfn.CreateStateMachineAliasInput{Name: aws.String(name), RoutingConfiguration: routes})
	require.NoError(h.t, err)
	return *out.StateMachineAliasArn
}

func TestAWSStateMachineAliases(t *testing.T) {
	t.Parallel()
	h := newVersionHarness(t)
	ctx := context.Background()
	machine := h.twoVersions("aliased")
	v1, v2 := machine+":1", machine+":2"

	created, err := h.client.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("prod"), Description: aws.String("live"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{route(v1, 70), route(v2, 30)}})
	require.NoError(t, err)
	prod := *created.StateMachineAliasArn
	require.Equal(t, machine+":prod", prod)
	again, err := h.client.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("prod"), Description: aws.String("live"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{route(v1, 70), route(v2, 30)}})
	require.NoError(t, err, "the same alias again is idempotent")
	require.Equal(t, prod, *again.StateMachineAliasArn)
	require.Equal(t, created.CreationDate.Unix(), again.CreationDate.Unix())

	desc, err := h.client.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(prod)})
	require.NoError(t, err)
	require.Equal(t, "prod", *desc.Name)
	require.Equal(t, "live", *desc.Description)
	require.Equal(t, []types.RoutingConfigurationListItem{route(v1, 70), route(v2, 30)}, desc.RoutingConfiguration)
	require.Equal(t, desc.CreationDate.Unix(), desc.UpdateDate.Unix())

	updated, err := h.client.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(prod), Description: aws.String("moved"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{route(v2, 100)}})
	require.NoError(t, err)
	require.False(t, updated.UpdateDate.Before(*desc.UpdateDate))
	_, err = h.client.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(prod), Description: aws.String("only the description")})
	require.NoError(t, err)
	desc, err = h.client.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(prod)})
	require.NoError(t, err)
	require.Equal(t, "only the description", *desc.Description)
	require.Equal(t, []types.RoutingConfigurationListItem{route(v2, 100)}, desc.RoutingConfiguration, "routes kept")

	_, err = h.client.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v2)})
	requireAWSError[*types.ConflictException](t, err)
	_, err = h.client.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v1)})
	require.NoError(t, err, "no alias routes to version 1 any more")

	_, err = h.client.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(prod)})
	require.NoError(t, err)
	_, err = h.client.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(prod)})
	requireAWSError[*types.ResourceNotFound](t, err)
	_, err = h.client.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(v2)})
	require.NoError(t, err, "a version is deleted once no alias routes to it")
}

func TestAWSStateMachineAliasErrors(t *testing.T) {
	t.Parallel()
	h := newVersionHarness(t)
	ctx := context.Background()
	machine := h.twoVersions("checked")
	v1, v2 := machine+":1", machine+":2"
	other := h.machineOf("other", passOf("o"))
	h.publish(other)
	h.alias("taken", route(v1, 100))
	create := func(name string, routes ...types.RoutingConfigurationListItem) func() error {
		return errorOf(ctx, h.client.CreateStateMachineAlias, &sfn.CreateStateMachineAliasInput{Name: aws.String(name), RoutingConfiguration: routes})
	}
	runErrorCases(t, []errorCase{
		{"weights that do not add to 100", create("a", route(v1, 60), route(v2, 30)), wantAWSError[*types.ValidationException]},
		{"three versions", create("a", route(v1, 50), route(v2, 25), route(v2, 25)), wantAWSError[*types.ValidationException]},
		{"one version twice", create("a", route(v1, 50), route(v1, 50)), wantAWSError[*types.ValidationException]},
		{"a weight over 100", create("a", route(v1, 101), route(v2, -1)), wantAWSError[*types.ValidationException]},
		{"a name of digits", create("123", route(v1, 100)), wantAWSError[*types.ValidationException]},
		{"a name with a colon", create("a:b", route(v1, 100)), wantAWSError[*types.ValidationException]},
		{"a name too long", create(strings.Repeat("n", 81), route(v1, 100)), wantAWSError[*types.ValidationException]},
		{"a missing version", create("a", route(machine+":9", 100)), wantAWSError[*types.ResourceNotFound]},
		{"a version of another machine", create("a", route(v1, 50), route(other+":1", 50)), wantAWSError[*types.ValidationException]},
		{"the machine's ARN as a version", create("a", route(machine, 100)), wantAWSError[*types.ValidationException]},
		{"a malformed version ARN", create("a", route("v:1", 100)), wantAWSError[*types.InvalidArn]},
		{"taken with other routes", create("taken", route(v2, 100)), wantAWSError[*types.ConflictException]},
		{"describe a missing alias", errorOf(ctx, h.client.DescribeStateMachineAlias, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(machine + ":nope")}), wantAWSError[*types.ResourceNotFound]},
		{"describe a version ARN", errorOf(ctx, h.client.DescribeStateMachineAlias, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(v1)}), wantAWSError[*types.ValidationException]},
		{"delete a missing alias", errorOf(ctx, h.client.DeleteStateMachineAlias, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(machine + ":nope")}), wantAWSError[*types.ResourceNotFound]},
		{"update with nothing", errorOf(ctx, h.client.UpdateStateMachineAlias, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(machine + ":taken")}), wantAWSError[*types.ValidationException]},
		{"update to bad weights", errorOf(ctx, h.client.UpdateStateMachineAlias, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(machine + ":taken"),
			RoutingConfiguration: []types.RoutingConfigurationListItem{route(v1, 99)}}), wantAWSError[*types.ValidationException]},
		{"update a missing alias", errorOf(ctx, h.client.UpdateStateMachineAlias, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(machine + ":nope"),
			Description: aws.String("d")}), wantAWSError[*types.ResourceNotFound]},
		{"start a missing alias", errorOf(ctx, h.client.StartExecution, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine + ":nope")}), wantAWSError[*types.StateMachineDoesNotExist]},
		{"list aliases of a missing version", errorOf(ctx, h.client.ListStateMachineAliases, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(machine + ":9")}), wantAWSError[*types.ResourceNotFound]},
		{"list aliases with a bad token", errorOf(ctx, h.client.ListStateMachineAliases, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(machine), NextToken: aws.String("x")}), wantAWSError[*types.InvalidToken]},
	})
}

func TestAWSListStateMachineAliases(t *testing.T) {
	t.Parallel()
	h := newVersionHarness(t)
	ctx := context.Background()
	machine := h.twoVersions("listed")
	var want []string
	for i := range 5 {
		want = append(want, h.alias(fmt.Sprintf("a%d", i), route(machine+":1", 50), route(machine+":2", 50)))
	}
	want = append(want, h.alias("only2", route(machine+":2", 100)))
	var got []string
	in := &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(machine), MaxResults: 2}
	pages := 0
	for {
		page, err := h.client.ListStateMachineAliases(ctx, in)
		require.NoError(t, err)
		pages++
		for _, a := range page.StateMachineAliases {
			require.NotNil(t, a.CreationDate)
			got = append(got, *a.StateMachineAliasArn)
		}
		if page.NextToken == nil {
			break
		}
		in.NextToken = page.NextToken
	}
	require.Equal(t, want, got, "name order")
	require.Equal(t, 3, pages)
	ofVersion1, err := h.client.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(machine + ":1")})
	require.NoError(t, err)
	require.Len(t, ofVersion1.StateMachineAliases, 5, "a version ARN lists the aliases that route to it")
}

// aliased serves a machine of two versions (see twoVersions) and its
// alias "prod" routing to them by weight.
func aliased(t *testing.T, name string, weight1, weight2 int32) (h *awsHarness, machine, prod string) {
	t.Helper()
	h = newVersionHarness(t)
	machine = h.twoVersions(name)
	return h, machine, h.alias("prod", route(machine+":1", weight1), route(machine+":2", weight2))
}

func TestAWSStartAlias(t *testing.T) {
	t.Parallel()
	h, machine, prod := aliased(t, "routed", 70, 30)
	ctx := context.Background()
	outputs := map[string]int{}
	for i := range 60 {
		exec := h.wait(h.start(prod, fmt.Sprintf("e%d", i), `{}`))
		require.Equal(t, prod, aws.ToString(exec.StateMachineAliasArn))
		want := map[string]string{`"a"`: machine + ":1", `"b"`: machine + ":2"}[*exec.Output]
		require.Equal(t, want, aws.ToString(exec.StateMachineVersionArn), "the version run is the one reported")
		outputs[*exec.Output]++
	}
	require.Positive(t, outputs[`"a"`])
	require.Positive(t, outputs[`"b"`])
	require.Greater(t, outputs[`"a"`], outputs[`"b"`], "70/30 favours version 1")

	sync, err := h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(prod)})
	require.NoError(t, err)
	require.Contains(t, []string{`"a"`, `"b"`}, *sync.Output)
	listed, err := h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(prod), MaxResults: 1000})
	require.NoError(t, err)
	require.Len(t, listed.Executions, 61, "an alias ARN lists the executions started through it")
}

func TestAWSDeleteStateMachineWithAliases(t *testing.T) {
	t.Parallel()
	h, machine, prod := aliased(t, "doomed", 0, 100)
	ctx := context.Background()
	_, err := h.client.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(machine)})
	require.NoError(t, err, "a machine is deleted with its versions and aliases")
	_, err = h.client.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(prod)})
	requireAWSError[*types.ResourceNotFound](t, err)
	_, err = h.client.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: aws.String(prod), Description: aws.String("x")})
	requireAWSError[*types.ResourceNotFound](t, err)
	_, err = h.client.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(prod)})
	requireAWSError[*types.ResourceNotFound](t, err)
	_, err = h.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(prod)})
	requireAWSError[*types.StateMachineDoesNotExist](t, err)

	h.machineOf("doomed", passOf("again"))
	arns, _ := h.versions(machine, 0)
	require.Empty(t, arns, "a machine created again under the name has none of the old versions")
	aliases, err := h.client.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(machine)})
	require.NoError(t, err)
	require.Empty(t, aliases.StateMachineAliases)
	require.Equal(t, machine+":1", h.publish(machine), "nor their numbers")
}
