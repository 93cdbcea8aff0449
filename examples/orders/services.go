package orders

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/stepwise-run/stepwise/activities"
)

// The service integrations the order-notify example uses, as registered
// with activities.RegisterIntegration.
const (
	DynamoDBPutItem = "dynamodb:putItem"
	SNSPublish      = "sns:publish"
)

// OrdersTable is the DynamoDB table of the order-notify example, keyed by
// its orderId attribute. It is the only table the in-memory DynamoDB has.
const OrdersTable = "Orders"

// PutItemInput is the part of DynamoDB's PutItem request the in-memory
// table understands: attribute values are DynamoDB's typed values
// ({"S": "..."}, {"N": "..."}), and ConditionExpression may only be
// attribute_not_exists(KEY).
type PutItemInput struct {
	TableName           string                    `json:"TableName"`
	Item                map[string]map[string]any `json:"Item"`
	ConditionExpression string                    `json:"ConditionExpression,omitempty"`
}

// PublishInput is the part of SNS's Publish request the in-memory topic
// understands. Message is a string or, as Step Functions allows, a JSON
// value, published as its JSON text.
type PublishInput struct {
	TopicArn          string                    `json:"TopicArn"`
	Subject           string                    `json:"Subject,omitempty"`
	Message           json.RawMessage           `json:"Message"`
	MessageAttributes map[string]map[string]any `json:"MessageAttributes,omitempty"`
}

// SNSMessage is a message published to an SNS topic.
type SNSMessage struct {
	MessageID  string
	TopicArn   string
	Subject    string
	Message    string
	Attributes map[string]map[string]any
	// key is the idempotency key of the task that published it.
	key string
}

// sdkMetadata is the metadata AWS adds to a service integration's result.
type sdkMetadata struct {
	SdkHTTPMetadata     map[string]any `json:"SdkHttpMetadata"`
	SdkResponseMetadata map[string]any `json:"SdkResponseMetadata"`
}

// PublishOutput is SNS's Publish response as the integration returns it.
type PublishOutput struct {
	MessageID string `json:"MessageId"`
	sdkMetadata
}

var (
	notExistsRE = regexp.MustCompile(`^\s*attribute_not_exists\s*\(\s*([A-Za-z0-9_]+)\s*\)\s*$`)
	topicRE     = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$`)
)

// ordersKey is the key attribute of OrdersTable.
const ordersKey = "orderId"

// putItem is dynamodb:putItem on the in-memory Orders table. A
// redelivery of a task that already wrote its item succeeds again rather
// than failing its own condition.
func (c *Config) putItem(ctx context.Context, in PutItemInput) (sdkMetadata, error) {
	orderID, _ := in.Item[ordersKey]["S"].(string)
	c.next(orderID, DynamoDBPutItem)
	err := c.put(ctx, in, orderID)
	c.record(ctx, DynamoDBPutItem, orderID, err)
	if err != nil {
		return sdkMetadata{}, err
	}
	return metadata(ctx), nil
}

func (c *Config) put(ctx context.Context, in PutItemInput, orderID string) error {
	if in.TableName != OrdersTable {
		return activities.NewError("DynamoDB.ResourceNotFoundException",
			fmt.Sprintf("Requested resource not found: Table: %s not found", in.TableName))
	}
	if orderID == "" {
		return activities.NewError("DynamoDB.ValidationException",
			"One or more parameter values were invalid: Missing the key orderId in the item")
	}
	condition := ""
	if in.ConditionExpression != "" {
		m := notExistsRE.FindStringSubmatch(in.ConditionExpression)
		if m == nil {
			return activities.NewError("DynamoDB.ValidationException",
				fmt.Sprintf("the in-memory table understands only attribute_not_exists(ATTRIBUTE), not %q", in.ConditionExpression))
		}
		condition = m[1]
	}
	key := idempotencyKey(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.orders == nil {
		c.orders = map[string]storedItem{}
	}
	old, exists := c.orders[orderID]
	if exists && condition != "" && (key == "" || old.key != key) {
		if _, has := old.item[condition]; has {
			return activities.NewError("DynamoDB.ConditionalCheckFailedException", "The conditional request failed")
		}
	}
	c.orders[orderID] = storedItem{item: in.Item, key: key}
	return nil
}

// storedItem is an item of the in-memory table and the idempotency key of
// the task that wrote it.
type storedItem struct {
	item map[string]map[string]any
	key  string
}

// Order returns the item stored under orderID in the Orders table, in
// DynamoDB's typed form, and false when there is none.
func (c *Config) Order(orderID string) (map[string]map[string]any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.orders[orderID]
	return s.item, ok
}

// publish is sns:publish on in-memory topics: every well-formed topic ARN
// exists. A redelivered task publishes once and gets the same MessageId.
func (c *Config) publish(ctx context.Context, in PublishInput) (PublishOutput, error) {
	message := string(in.Message)
	var text string
	if json.Unmarshal(in.Message, &text) == nil {
		message = text
	}
	orderID := messageOrder(in.Message)
	c.next(orderID, SNSPublish)
	var err error
	switch {
	case !topicRE.MatchString(in.TopicArn):
		err = activities.NewError("SNS.InvalidParameterException", fmt.Sprintf("Invalid parameter: TopicArn %q", in.TopicArn))
	case len(in.Message) == 0 || message == "":
		err = activities.NewError("SNS.InvalidParameterException", "Invalid parameter: Empty message")
	}
	c.record(ctx, SNSPublish, orderID, err)
	if err != nil {
		return PublishOutput{}, err
	}
	n := c.addMessage(SNSMessage{TopicArn: in.TopicArn, Subject: in.Subject, Message: message,
		Attributes: in.MessageAttributes, key: idempotencyKey(ctx)})
	return PublishOutput{MessageID: n.MessageID, sdkMetadata: metadata(ctx)}, nil
}

// messageOrder is the orderId of a JSON message, or "".
func messageOrder(message json.RawMessage) string {
	var m struct {
		OrderID string `json:"orderId"`
	}
	if json.Unmarshal(message, &m) != nil {
		return ""
	}
	return m.OrderID
}

// addMessage records n with a new message id, unless the task that
// publishes it already did; it returns the recorded notification.
func (c *Config) addMessage(n SNSMessage) SNSMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, old := range c.published {
		if n.key != "" && old.key == n.key {
			return old
		}
	}
	n.MessageID = uuid(fmt.Sprintf("message/%d/%s", len(c.published), n.key))
	c.published = append(c.published, n)
	return n
}

// Published returns the messages published so far, in order.
func (c *Config) Published() []SNSMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]SNSMessage(nil), c.published...)
}

// metadata is the SDK metadata of a successful call, with a request id
// derived from the task's idempotency key.
func metadata(ctx context.Context) sdkMetadata {
	id := uuid("request/" + idempotencyKey(ctx))
	return sdkMetadata{
		SdkHTTPMetadata:     map[string]any{"HttpHeaders": map[string]any{"x-amzn-RequestId": id}, "HttpStatusCode": 200},
		SdkResponseMetadata: map[string]any{"RequestId": id},
	}
}

func idempotencyKey(ctx context.Context) string {
	info, _ := activities.Info(ctx)
	return info.IdempotencyKey
}

// uuid formats a UUID-shaped id derived from seed.
func uuid(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	h := fmt.Sprintf("%x", sum[:16])
	return strings.Join([]string{h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]}, "-")
}
