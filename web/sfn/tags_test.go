package sfn

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

func tag(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

// tagsOf lists a resource's tags as key=value strings.
func tagsOf(t *testing.T, c *sfn.Client, resource *string) []string {
	t.Helper()
	out, err := c.ListTagsForResource(context.Background(), &sfn.ListTagsForResourceInput{ResourceArn: resource})
	require.NoError(t, err)
	var kv []string
	for _, tg := range out.Tags {
		kv = append(kv, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
	}
	return kv
}

// TestAWSTags tags state machines and activities through the official
// client: tags at creation, TagResource replacing a value and adding
// keys, UntagResource, and the tags going with a deleted resource.
func TestAWSTags(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	sm, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("tagged"),
		Definition: aws.String(passMachine), RoleArn: aws.String("arn:aws:iam::000000000000:role/x"),
		Tags: []types.Tag{tag("team", "orders"), tag("env", "dev")}})
	require.NoError(t, err)
	require.Equal(t, []string{"env=dev", "team=orders"}, tagsOf(t, h.client, sm.StateMachineArn))

	_, err = h.client.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: sm.StateMachineArn,
		Tags: []types.Tag{tag("env", "prod"), tag("cost center", "a:b/c=d+e-f@g_h.i")}})
	require.NoError(t, err)
	require.Equal(t, []string{"cost center=a:b/c=d+e-f@g_h.i", "env=prod", "team=orders"}, tagsOf(t, h.client, sm.StateMachineArn))
	_, err = h.client.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: sm.StateMachineArn, TagKeys: []string{"team", "absent"}})
	require.NoError(t, err)
	require.Equal(t, []string{"cost center=a:b/c=d+e-f@g_h.i", "env=prod"}, tagsOf(t, h.client, sm.StateMachineArn))

	act, err := h.client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("worker"), Tags: []types.Tag{tag("k", "1")}})
	require.NoError(t, err)
	again, err := h.client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("worker"), Tags: []types.Tag{tag("k", "2")}})
	require.NoError(t, err)
	require.Equal(t, aws.ToString(act.ActivityArn), aws.ToString(again.ActivityArn))
	require.Equal(t, []string{"k=1"}, tagsOf(t, h.client, act.ActivityArn), "creating an existing activity leaves its tags")

	_, err = h.client.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: act.ActivityArn})
	require.NoError(t, err)
	_, err = h.client.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: act.ActivityArn})
	requireAWSError[*types.ResourceNotFound](t, err)
	_, err = h.client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("worker")})
	require.NoError(t, err)
	require.Empty(t, tagsOf(t, h.client, act.ActivityArn), "a deleted activity's tags went with it")
}

// TestAWSTagErrors checks the errors AWS lists for the tag operations.
func TestAWSTagErrors(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	sm, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"),
		Definition: aws.String(passMachine), RoleArn: aws.String("arn:aws:iam::000000000000:role/x")})
	require.NoError(t, err)
	arn := sm.StateMachineArn

	var fifty []types.Tag
	for i := 0; i < 50; i++ {
		fifty = append(fifty, tag(fmt.Sprintf("k%02d", i), "v"))
	}
	_, err = h.client.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: arn, Tags: fifty})
	require.NoError(t, err)
	_, err = h.client.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{tag("k00", "replaced")}})
	require.NoError(t, err, "replacing a value keeps the count")
	_, err = h.client.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{tag("one-more", "v")}})
	requireAWSError[*types.TooManyTags](t, err)
	require.Len(t, tagsOf(t, h.client, arn), 50, "a refused TagResource changes nothing")

	for _, bad := range []types.Tag{tag("", "v"), tag("aws:reserved", "v"), tag("semi;colon", "v"), tag("k", "new\nline"),
		tag(strings.Repeat("k", 129), "v"), tag("k", strings.Repeat("v", 257))} {
		_, err = h.client.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{bad}})
		require.Equal(t, "ValidationException", requireAWSError[smithy.APIError](t, err).ErrorCode(), "%q=%q", *bad.Key, *bad.Value)
	}
	_, err = h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("bad-tags"),
		Definition: aws.String(passMachine), RoleArn: aws.String("arn:aws:iam::000000000000:role/x"), Tags: []types.Tag{tag("aws:x", "v")}})
	requireAWSError[*types.ValidationException](t, err)
	_, err = h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(strings.Replace(aws.ToString(arn), ":m", ":bad-tags", 1))})
	requireAWSError[*types.StateMachineDoesNotExist](t, err)

	missing := aws.String(strings.Replace(aws.ToString(arn), ":m", ":nope", 1))
	_, err = h.client.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: missing, Tags: []types.Tag{tag("k", "v")}})
	requireAWSError[*types.ResourceNotFound](t, err)
	_, err = h.client.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: missing, TagKeys: []string{"k"}})
	requireAWSError[*types.ResourceNotFound](t, err)
	for _, invalid := range []string{"not-an-arn", aws.ToString(arn) + ":1", "arn:aws:states:us-east-1:000000000000:execution:m:e"} {
		_, err = h.client.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(invalid)})
		requireAWSError[*types.InvalidArn](t, err)
	}
}
