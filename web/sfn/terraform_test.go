package sfn

// The calls Terraform's AWS provider makes, replayed with the Go SDK (the
// provider is itself built on it). Learned from the provider's
// internal/service/sfn: state_machine.go, alias.go, activity.go (which in
// recent versions also hold what find.go, status.go and wait.go held) and
// tags_gen.go; configurations shaped like testdata/tmpl/*.gtpl.
//
//	resource / phase       calls, in order                                     read back and compared (a difference is a perpetual plan)
//	state_machine plan     ValidateStateMachineDefinition{definition,type}     result OK (CustomizeDiff, whenever definition changes)
//	state_machine create   CreateStateMachine{name,definition,roleArn,type,    (retried on StateMachineDeleting, AccessDeniedException)
//	                         publish,tags,loggingConfiguration,
//	                         tracingConfiguration,encryptionConfiguration};
//	                         then read
//	state_machine read     DescribeStateMachine{arn}                           name, definition (byte for byte), roleArn, type, status,
//	                                                                             loggingConfiguration{level,includeExecutionData,
//	                                                                             destinations[0]}, tracingConfiguration.enabled,
//	                                                                             encryptionConfiguration{type,kmsKeyId,
//	                                                                             kmsDataKeyReusePeriodSeconds}
//	                       ListStateMachineVersions{arn}                       versions[0].stateMachineVersionArn (newest first)
//	                       ListTagsForResource{arn}                            tags
//	state_machine update   UpdateStateMachine{arn,definition,roleArn,publish,  definition, roleArn, tracing, logging polled with
//	                         versionDescription (""; the provider's attribute    DescribeStateMachine until they match (1 min)
//	                         is computed only), logging-, tracing- and
//	                         encryptionConfiguration when changed};
//	                       UntagResource{removed keys}, TagResource{changed};
//	                       then read
//	state_machine destroy  DeleteStateMachine{arn}; DescribeStateMachine       ACTIVE and DELETING pending until StateMachineDoesNotExist
//	                         polled
//	alias create           CreateStateMachineAlias{name,description (always,   —
//	                         "" when unset),routingConfiguration}; then read
//	alias read             DescribeStateMachineAlias{arn}                      name, description, routingConfiguration in order
//	                                                                             {stateMachineVersionArn,weight}, creationDate
//	alias update           UpdateStateMachineAlias{arn, description and        —
//	                         routingConfiguration when changed}; then read
//	alias destroy          DeleteStateMachineAlias{arn}                        (no wait)
//	activity create        CreateActivity{name,tags,encryptionConfiguration};  —
//	                         then read
//	activity read          DescribeActivity{arn}; ListTagsForResource{arn}     name, creationDate, encryptionConfiguration; tags
//	activity update        UntagResource, TagResource (tags only); then read   —
//	activity destroy       DeleteActivity{arn}                                 (no wait; a later read drops it on ActivityDoesNotExist)
//
// Terraform refreshes (reads) every resource before each plan; a refresh
// that reads back what was sent plans nothing. A read that finds its
// resource gone (StateMachineDoesNotExist, ResourceNotFound for an alias,
// ActivityDoesNotExist; any other error fails the refresh) drops it.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"
)

// tfMachine is what an aws_sfn_state_machine block sends.
type tfMachine struct {
	name, definition, roleARN string
	typ                       types.StateMachineType
	publish                   bool
	logging                   *types.LoggingConfiguration
	tracing                   *types.TracingConfiguration
	encryption                *types.EncryptionConfiguration
	tags                      map[string]string
}

// tfAlias is what an aws_sfn_alias block sends.
type tfAlias struct {
	name, description string
	routes            []types.RoutingConfigurationListItem
}

// tfProvider makes the provider's calls with an SDK client.
type tfProvider struct {
	c *sfn.Client
}

// tfTags is the provider's []Tag of a tags map.
func tfTags(m map[string]string) []types.Tag {
	var tags []types.Tag
	for k, v := range m {
		tags = append(tags, tag(k, v))
	}
	return tags
}

// tfDiff is a plan: one line per attribute whose read-back value differs
// from the configuration.
type tfDiff []string

func (d *tfDiff) compare(attribute string, sent, read any) {
	if fmt.Sprint(sent) != fmt.Sprint(read) {
		*d = append(*d, fmt.Sprintf("%s: sent %v, read back %v", attribute, sent, read))
	}
}

// validate is the plan's ValidateStateMachineDefinition.
func (p tfProvider) validate(t *testing.T, m tfMachine) {
	t.Helper()
	out, err := p.c.ValidateStateMachineDefinition(context.Background(), &sfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(m.definition), Type: m.typ})
	require.NoError(t, err)
	require.Equal(t, types.ValidateStateMachineDefinitionResultCodeOk, out.Result, "%+v", out.Diagnostics)
}

// tagsOf reads a resource's tags as the provider does.
func (p tfProvider) tagsOf(t *testing.T, arn string) map[string]string {
	t.Helper()
	out, err := p.c.ListTagsForResource(context.Background(), &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	require.NoError(t, err)
	tags := map[string]string{}
	for _, tg := range out.Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return tags
}

// updateTags is the provider's tag diff: UntagResource of the removed
// keys, then TagResource of the changed and added ones.
func (p tfProvider) updateTags(t *testing.T, arn string, old, tags map[string]string) {
	t.Helper()
	ctx := context.Background()
	var removed []string
	changed := map[string]string{}
	for k := range old {
		if _, ok := tags[k]; !ok {
			removed = append(removed, k)
		}
	}
	for k, v := range tags {
		if w, ok := old[k]; !ok || w != v {
			changed[k] = v
		}
	}
	if len(removed) > 0 {
		_, err := p.c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: removed})
		require.NoError(t, err)
	}
	if len(changed) > 0 {
		_, err := p.c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: tfTags(changed)})
		require.NoError(t, err)
	}
}

// flattenLogging is the provider's state of a loggingConfiguration.
func flattenLogging(l *types.LoggingConfiguration) string {
	if l == nil {
		return "none"
	}
	dest := ""
	if len(l.Destinations) > 0 && l.Destinations[0].CloudWatchLogsLogGroup != nil {
		dest = aws.ToString(l.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn)
	}
	return fmt.Sprintf("{level=%s include_execution_data=%t log_destination=%s}", l.Level, l.IncludeExecutionData, dest)
}

// flattenEncryption is the provider's state of an encryptionConfiguration.
func flattenEncryption(c *types.EncryptionConfiguration) string {
	if c == nil {
		return "none"
	}
	return fmt.Sprintf("{type=%s kms_key_id=%s kms_data_key_reuse_period_seconds=%d}",
		c.Type, aws.ToString(c.KmsKeyId), aws.ToInt32(c.KmsDataKeyReusePeriodSeconds))
}

// flattenTracing is the provider's state of a tracingConfiguration.
func flattenTracing(c *types.TracingConfiguration) string {
	if c == nil {
		return "none"
	}
	return fmt.Sprintf("{enabled=%t}", c.Enabled)
}

// readMachine is the provider's read of a state machine; it returns the
// plan the read makes and the state_machine_version_arn it records.
func (p tfProvider) readMachine(t *testing.T, arn string, m tfMachine) (diff tfDiff, versionARN string) {
	t.Helper()
	ctx := context.Background()
	out, err := p.c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	require.NoError(t, err)
	require.NotNil(t, out.CreationDate, "creation_date")
	require.NotEmpty(t, aws.ToString(out.RevisionId), "revision_id")
	diff.compare("aws_sfn_state_machine.arn", arn, aws.ToString(out.StateMachineArn))
	diff.compare("aws_sfn_state_machine.name", m.name, aws.ToString(out.Name))
	diff.compare("aws_sfn_state_machine.definition", m.definition, aws.ToString(out.Definition))
	diff.compare("aws_sfn_state_machine.role_arn", m.roleARN, aws.ToString(out.RoleArn))
	diff.compare("aws_sfn_state_machine.type", m.typ, out.Type)
	diff.compare("aws_sfn_state_machine.status", types.StateMachineStatusActive, out.Status)
	// logging_configuration and tracing_configuration are optional and
	// computed: a block left out plans nothing, a block set must read back.
	if m.logging != nil {
		diff.compare("aws_sfn_state_machine.logging_configuration", flattenLogging(m.logging), flattenLogging(out.LoggingConfiguration))
	}
	if m.tracing != nil {
		diff.compare("aws_sfn_state_machine.tracing_configuration", flattenTracing(m.tracing), flattenTracing(out.TracingConfiguration))
	}
	if m.encryption != nil {
		diff.compare("aws_sfn_state_machine.encryption_configuration", flattenEncryption(m.encryption), flattenEncryption(out.EncryptionConfiguration))
	}
	versions, err := p.c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(arn)})
	require.NoError(t, err)
	if len(versions.StateMachineVersions) > 0 {
		versionARN = aws.ToString(versions.StateMachineVersions[0].StateMachineVersionArn)
	}
	diff.compare("aws_sfn_state_machine.tags", m.tags, p.tagsOf(t, arn))
	return diff, versionARN
}

// readAlias is the provider's read of an alias.
func (p tfProvider) readAlias(t *testing.T, arn string, a tfAlias) (diff tfDiff) {
	t.Helper()
	out, err := p.c.DescribeStateMachineAlias(context.Background(), &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(arn)})
	require.NoError(t, err)
	require.NotNil(t, out.CreationDate, "creation_date")
	diff.compare("aws_sfn_alias.arn", arn, aws.ToString(out.StateMachineAliasArn))
	diff.compare("aws_sfn_alias.name", a.name, aws.ToString(out.Name))
	diff.compare("aws_sfn_alias.description", a.description, aws.ToString(out.Description))
	flatten := func(routes []types.RoutingConfigurationListItem) []string {
		var s []string
		for _, r := range routes {
			s = append(s, fmt.Sprintf("%s=%d", aws.ToString(r.StateMachineVersionArn), r.Weight))
		}
		return s
	}
	diff.compare("aws_sfn_alias.routing_configuration", flatten(a.routes), flatten(out.RoutingConfiguration))
	return diff
}

// readActivity is the provider's read of an activity.
func (p tfProvider) readActivity(t *testing.T, arn, name string, encryption *types.EncryptionConfiguration, tags map[string]string) (diff tfDiff) {
	t.Helper()
	out, err := p.c.DescribeActivity(context.Background(), &sfn.DescribeActivityInput{ActivityArn: aws.String(arn)})
	require.NoError(t, err)
	require.NotNil(t, out.CreationDate, "creation_date")
	diff.compare("aws_sfn_activity.name", name, aws.ToString(out.Name))
	diff.compare("aws_sfn_activity.encryption_configuration", flattenEncryption(encryption), flattenEncryption(out.EncryptionConfiguration))
	diff.compare("aws_sfn_activity.tags", tags, p.tagsOf(t, arn))
	return diff
}

// awaitUpdate is the provider's wait after UpdateStateMachine: it reads
// the machine until the changed definition, roleArn, tracing and logging
// read back (a minute in the provider; a few seconds here, after which
// the read that follows reports what never came).
func (p tfProvider) awaitUpdate(t *testing.T, arn string, m tfMachine) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		out, err := p.c.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
		require.NoError(t, err)
		if jsonEqual(aws.ToString(out.Definition), m.definition) && aws.ToString(out.RoleArn) == m.roleARN &&
			(out.TracingConfiguration == nil || out.TracingConfiguration.Enabled == m.tracing.Enabled) &&
			(out.LoggingConfiguration == nil || out.LoggingConfiguration.IncludeExecutionData == m.logging.IncludeExecutionData &&
				out.LoggingConfiguration.Level == m.logging.Level) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// jsonEqual is the provider's JSONBytesEqual.
func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

// tfDefinition is a definition as a Terraform heredoc writes it, indented
// and ending in a newline, as the provider's test templates are.
func tfDefinition(comment string) string {
	return `{
  "Comment": "` + comment + `",
  "StartAt": "HelloWorld",
  "States": {
    "HelloWorld": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:tf-hello",
      "Retry": [
        {
          "ErrorEquals": [
            "States.ALL"
          ],
          "IntervalSeconds": 5,
          "MaxAttempts": 5,
          "BackoffRate": 8
        }
      ],
      "End": true
    }
  }
}
`
}

// TestTerraformProviderCalls replays, phase by phase, what `terraform
// apply`, a refresh, a changed configuration and `terraform destroy` make
// the AWS provider call for an aws_sfn_activity, an aws_sfn_state_machine
// (published, with logging, tracing and tags) and an aws_sfn_alias on
// its version, and requires every read to plan nothing.
func TestTerraformProviderCalls(t *testing.T) {
	t.Parallel()
	h := newVersionHarness(t)
	p := tfProvider{c: h.client}
	ctx := context.Background()

	// An encryption_configuration with AWS's own key needs no KMS.
	ownedKey := &types.EncryptionConfiguration{Type: types.EncryptionTypeAwsOwnedKey}
	logGroup := "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/tf-hello:*"
	machine := tfMachine{
		name: "tf-hello", definition: tfDefinition("A Hello World example"), roleARN: "arn:aws:iam::123456789012:role/tf-hello-sfn",
		typ: types.StateMachineTypeStandard, publish: true,
		logging: &types.LoggingConfiguration{Level: types.LogLevelAll, IncludeExecutionData: true,
			Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(logGroup)}}}},
		tracing: &types.TracingConfiguration{Enabled: true}, encryption: ownedKey,
		tags: map[string]string{"Name": "tf-hello", "env": "dev", "team": "orders"},
	}
	activityName := "tf-worker"
	activityTags := map[string]string{"env": "dev", "team": "orders", "note": ""} // Terraform allows an empty value
	var machineARN, version1, version2, aliasARN, activityARN string
	var alias tfAlias

	t.Run("activity/create", func(t *testing.T) {
		out, err := p.c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String(activityName), Tags: tfTags(activityTags),
			EncryptionConfiguration: ownedKey})
		require.NoError(t, err)
		activityARN = aws.ToString(out.ActivityArn)
		require.NotEmpty(t, activityARN)
		require.Empty(t, p.readActivity(t, activityARN, activityName, ownedKey, activityTags))
	})

	t.Run("state_machine/create", func(t *testing.T) {
		p.validate(t, machine) // plan
		p.validate(t, machine) // apply recomputes the diff
		out, err := p.c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String(machine.name), Definition: aws.String(machine.definition), RoleArn: aws.String(machine.roleARN),
			Type: machine.typ, Publish: machine.publish, Tags: tfTags(machine.tags),
			LoggingConfiguration: machine.logging, TracingConfiguration: machine.tracing, EncryptionConfiguration: machine.encryption})
		require.NoError(t, err)
		machineARN = aws.ToString(out.StateMachineArn)
		require.NotEmpty(t, machineARN)
		diff, version := p.readMachine(t, machineARN, machine)
		require.Equal(t, machineARN+":1", version, "state_machine_version_arn")
		require.Equal(t, version, aws.ToString(out.StateMachineVersionArn))
		version1 = version
		require.Empty(t, diff)
	})

	t.Run("alias/create", func(t *testing.T) {
		alias = tfAlias{name: "live", description: "the version in service", routes: []types.RoutingConfigurationListItem{route(version1, 100)}}
		out, err := p.c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{
			Name: aws.String(alias.name), Description: aws.String(alias.description), RoutingConfiguration: alias.routes})
		require.NoError(t, err)
		aliasARN = aws.ToString(out.StateMachineAliasArn)
		require.Equal(t, machineARN+":live", aliasARN)
		require.Empty(t, p.readAlias(t, aliasARN, alias))
	})

	t.Run("alias/create without description", func(t *testing.T) {
		// The provider sends description "" when the block sets none.
		bare := tfAlias{name: "bare", routes: []types.RoutingConfigurationListItem{route(version1, 100)}}
		out, err := p.c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{
			Name: aws.String(bare.name), Description: aws.String(""), RoutingConfiguration: bare.routes})
		require.NoError(t, err)
		arn := aws.ToString(out.StateMachineAliasArn)
		require.Empty(t, p.readAlias(t, arn, bare))
		_, err = p.c.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(arn)})
		require.NoError(t, err)
	})

	// refresh reads every resource, as before each plan; the machine's
	// newest version must be version.
	refresh := func(version *string) func(*testing.T) {
		return func(t *testing.T) {
			diff := p.readActivity(t, activityARN, activityName, ownedKey, activityTags)
			machineDiff, newest := p.readMachine(t, machineARN, machine)
			require.Equal(t, *version, newest)
			diff = append(append(diff, machineDiff...), p.readAlias(t, aliasARN, alias)...)
			require.Empty(t, diff)
		}
	}
	t.Run("refresh", refresh(&version1))

	t.Run("activity/update", func(t *testing.T) {
		tags := map[string]string{"team": "orders", "env": "prod", "owner": "ops"}
		p.updateTags(t, activityARN, activityTags, tags)
		activityTags = tags
		require.Empty(t, p.readActivity(t, activityARN, activityName, ownedKey, activityTags))
	})

	t.Run("state_machine/update", func(t *testing.T) {
		old := machine
		machine.definition = tfDefinition("A Hello World example, second revision")
		machine.roleARN = "arn:aws:iam::123456789012:role/tf-hello-sfn-2"
		machine.logging = &types.LoggingConfiguration{Level: types.LogLevelError, IncludeExecutionData: false,
			Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(logGroup)}}}}
		machine.tracing = &types.TracingConfiguration{Enabled: false}
		machine.tags = map[string]string{"team": "orders", "env": "prod", "owner": "ops"}
		p.validate(t, machine)
		p.validate(t, machine)
		out, err := p.c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{
			StateMachineArn: aws.String(machineARN), Definition: aws.String(machine.definition), RoleArn: aws.String(machine.roleARN),
			Publish: machine.publish, VersionDescription: aws.String(""),
			LoggingConfiguration: machine.logging, TracingConfiguration: machine.tracing})
		require.NoError(t, err)
		require.NotEmpty(t, aws.ToString(out.RevisionId))
		p.awaitUpdate(t, machineARN, machine)
		p.updateTags(t, machineARN, old.tags, machine.tags)
		diff, version := p.readMachine(t, machineARN, machine)
		require.Equal(t, machineARN+":2", version, "state_machine_version_arn")
		require.Equal(t, version, aws.ToString(out.StateMachineVersionArn))
		version2 = version
		require.Empty(t, diff)
	})

	t.Run("state_machine/update configuration only", func(t *testing.T) {
		// Only logging changes: the provider still sends the definition
		// and roleArn, with publish and an empty versionDescription; the
		// plan expects a new state_machine_version_arn.
		machine.logging = &types.LoggingConfiguration{Level: types.LogLevelFatal, IncludeExecutionData: true,
			Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(logGroup)}}}}
		out, err := p.c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{
			StateMachineArn: aws.String(machineARN), Definition: aws.String(machine.definition), RoleArn: aws.String(machine.roleARN),
			Publish: machine.publish, VersionDescription: aws.String(""), LoggingConfiguration: machine.logging})
		require.NoError(t, err)
		p.awaitUpdate(t, machineARN, machine)
		diff, version := p.readMachine(t, machineARN, machine)
		require.Equal(t, machineARN+":3", version, "a new configuration is a new revision, published")
		require.Equal(t, version, aws.ToString(out.StateMachineVersionArn), "the version answered is the newest listed")
		version2 = version
		require.Empty(t, diff)
	})

	t.Run("state_machine/update tags only", func(t *testing.T) {
		// A tags-only change makes no UpdateStateMachine, hence no version.
		old := maps.Clone(machine.tags)
		machine.tags["cost-center"] = "42"
		p.updateTags(t, machineARN, old, machine.tags)
		diff, version := p.readMachine(t, machineARN, machine)
		require.Equal(t, version2, version)
		require.Empty(t, diff)
	})

	t.Run("alias/update", func(t *testing.T) {
		// The alias follows state_machine_version_arn; a canary keeps a
		// tenth on the old version. The description is unchanged, hence
		// not sent.
		alias.routes = []types.RoutingConfigurationListItem{route(version2, 90), route(version1, 10)}
		_, err := p.c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{
			StateMachineAliasArn: aws.String(aliasARN), RoutingConfiguration: alias.routes})
		require.NoError(t, err)
		require.Empty(t, p.readAlias(t, aliasARN, alias))
	})

	t.Run("refresh after update", refresh(&version2))

	t.Run("alias/destroy", func(t *testing.T) {
		_, err := p.c.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN)})
		require.NoError(t, err)
		_, err = p.c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasARN)})
		wantAWSError[*types.ResourceNotFound](t, err)
	})

	t.Run("state_machine/destroy", func(t *testing.T) {
		_, err := p.c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(machineARN)})
		require.NoError(t, err)
		// The provider's wait: ACTIVE and DELETING are pending, the
		// machine's absence is the target, anything else fails.
		deadline := time.Now().Add(30 * time.Second)
		for {
			out, err := p.c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(machineARN)})
			if err != nil {
				wantAWSError[*types.StateMachineDoesNotExist](t, err)
				break
			}
			require.Contains(t, []types.StateMachineStatus{types.StateMachineStatusActive, types.StateMachineStatusDeleting}, out.Status)
			require.True(t, time.Now().Before(deadline), "the machine is still %s", out.Status)
			time.Sleep(100 * time.Millisecond)
		}
	})

	t.Run("state_machine/replace", func(t *testing.T) {
		// type forces a replacement: destroy (above), then create under
		// the same name, whose versions start again at 1.
		machine.typ = types.StateMachineTypeExpress
		p.validate(t, machine)
		out, err := p.c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String(machine.name), Definition: aws.String(machine.definition), RoleArn: aws.String(machine.roleARN),
			Type: machine.typ, Publish: machine.publish, Tags: tfTags(machine.tags),
			LoggingConfiguration: machine.logging, TracingConfiguration: machine.tracing, EncryptionConfiguration: machine.encryption})
		require.NoError(t, err)
		require.Equal(t, machineARN, aws.ToString(out.StateMachineArn))
		diff, version := p.readMachine(t, machineARN, machine)
		require.Equal(t, machineARN+":1", version, "state_machine_version_arn")
		require.Empty(t, diff)
	})

	t.Run("state_machine/drift", func(t *testing.T) {
		// Deleted outside Terraform: a refresh must find each resource
		// missing by the error the provider takes for "gone", and drop it.
		live := tfAlias{name: "live", routes: []types.RoutingConfigurationListItem{route(machineARN+":1", 100)}}
		created, err := p.c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{
			Name: aws.String(live.name), Description: aws.String(""), RoutingConfiguration: live.routes})
		require.NoError(t, err)
		_, err = p.c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(machineARN)})
		require.NoError(t, err)
		_, err = p.c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: created.StateMachineAliasArn})
		wantAWSError[*types.ResourceNotFound](t, err)
		_, err = p.c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(machineARN)})
		wantAWSError[*types.StateMachineDoesNotExist](t, err)
	})

	t.Run("activity/destroy", func(t *testing.T) {
		_, err := p.c.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String(activityARN)})
		require.NoError(t, err)
		_, err = p.c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(activityARN)})
		wantAWSError[*types.ActivityDoesNotExist](t, err)
	})
}
