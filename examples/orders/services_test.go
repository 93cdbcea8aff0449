package orders

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
)

func TestOrderNotify(t *testing.T) {
	t.Parallel()
	res, cfg := run(t, "order-notify", "", nil)
	require.Equal(t, runner.StatusSucceeded, res.Status, "%+v", res.Error)
	published := cfg.Published()
	require.Len(t, published, 1)
	require.JSONEq(t, `{"orderId":"order-4001","status":"PLACED","messageId":"`+published[0].MessageID+`"}`, asl.EncodeJSON(res.Output))
	item, ok := cfg.Order("order-4001")
	require.True(t, ok)
	require.Equal(t, map[string]map[string]any{
		"orderId": {"S": "order-4001"}, "customer": {"S": "grace@example.com"}, "amount": {"N": "64.5"}, "status": {"S": "PLACED"},
	}, item)
	m := published[0]
	require.Equal(t, "arn:aws:sns:us-east-1:123456789012:order-events", m.TopicArn)
	require.Equal(t, "Order placed", m.Subject)
	require.JSONEq(t, `{"orderId":"order-4001","email":"grace@example.com","amount":64.5,
		"text":"Thank you, Grace Hopper: order order-4001 is placed."}`, m.Message)
	require.Equal(t, map[string]map[string]any{"event": {"DataType": "String", "StringValue": "OrderPlaced"}}, m.Attributes)
	require.Equal(t, []string{DynamoDBPutItem, SNSPublish}, functions(cfg, "order-4001"))
}

// integration invokes a service integration as a Task state's attempt
// would, on input given as JSON.
func integration(reg *activities.Registry, resource, key, input string) (any, error) {
	in, err := asl.DecodeJSON([]byte(input))
	if err != nil {
		panic(err)
	}
	ctx := activities.WithTask(context.Background(), activities.TaskInfo{IdempotencyKey: key, Resource: resource}, nil)
	return reg.Invoke(ctx, resource, in)
}

func TestPutItem(t *testing.T) {
	t.Parallel()
	reg, cfg := newRegistry()
	const put = "arn:aws:states:::dynamodb:putItem"
	item := `{"TableName":"Orders","Item":{"orderId":{"S":"o-1"},"n":{"N":"1"}},"ConditionExpression":"attribute_not_exists(orderId)"}`
	out, err := integration(reg, put, "k1", item)
	require.NoError(t, err)
	meta := out.(map[string]any)
	require.Contains(t, meta, "SdkHttpMetadata")
	require.Contains(t, meta, "SdkResponseMetadata")
	_, err = integration(reg, put, "k1", item)
	require.NoError(t, err, "a redelivered attempt does not break its own condition")
	_, err = integration(reg, put, "k2", item)
	require.Equal(t, &asl.Error{Name: "DynamoDB.ConditionalCheckFailedException", Cause: "The conditional request failed"}, err)
	_, err = integration(reg, put, "k3", `{"TableName":"Orders","Item":{"orderId":{"S":"o-1"},"n":{"N":"2"}}}`)
	require.NoError(t, err, "without a condition a put replaces the item")
	got, _ := cfg.Order("o-1")
	require.Equal(t, map[string]any{"N": "2"}, got["n"])

	for input, want := range map[string]string{
		`{"TableName":"Customers","Item":{"orderId":{"S":"o-2"}}}`:                                  "DynamoDB.ResourceNotFoundException",
		`{"TableName":"Orders","Item":{"id":{"S":"o-2"}}}`:                                          "DynamoDB.ValidationException",
		`{"TableName":"Orders","Item":{"orderId":{"S":"o-2"}},"ConditionExpression":"amount > :a"}`: "DynamoDB.ValidationException",
	} {
		_, err := integration(reg, put, "k4", input)
		var e *asl.Error
		require.ErrorAs(t, err, &e, input)
		require.Equal(t, want, e.Name, input)
	}
}

func TestPublish(t *testing.T) {
	t.Parallel()
	reg, cfg := newRegistry()
	const publish = "arn:aws:states:::sns:publish"
	const topic = `"TopicArn":"arn:aws:sns:eu-west-1:123456789012:events"`
	first, err := integration(reg, publish, "k1", `{`+topic+`,"Message":"hello"}`)
	require.NoError(t, err)
	again, err := integration(reg, publish, "k1", `{`+topic+`,"Message":"hello"}`)
	require.NoError(t, err)
	require.Equal(t, first.(map[string]any)["MessageId"], again.(map[string]any)["MessageId"], "a redelivered attempt publishes once")
	second, err := integration(reg, publish, "k2", `{`+topic+`,"Message":{"orderId":"o-1"}}`)
	require.NoError(t, err)
	require.NotEqual(t, first.(map[string]any)["MessageId"], second.(map[string]any)["MessageId"])
	published := cfg.Published()
	require.Len(t, published, 2)
	require.Equal(t, "hello", published[0].Message)
	require.Equal(t, `{"orderId":"o-1"}`, published[1].Message)
	require.Equal(t, 1, cfg.Count("o-1", SNSPublish))

	for _, input := range []string{`{"TopicArn":"orders","Message":"x"}`, `{` + topic + `}`, `{` + topic + `,"Message":""}`} {
		_, err := integration(reg, publish, "k3", input)
		var e *asl.Error
		require.ErrorAs(t, err, &e, input)
		require.Equal(t, "SNS.InvalidParameterException", e.Name, input)
	}
}
