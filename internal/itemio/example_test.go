package itemio_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/itemio"
)

// Example shows the path the engine takes through a Distributed Map: parse
// the state's fields, read the items in batches (storing each batch's End
// position with the children it starts), then export the children's
// results.
func Example() {
	ctx := context.Background()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer srv.Close()
	store, _ := itemio.NewStore(ctx, &itemio.StoreConfig{Endpoint: srv.URL, AccessKeyID: "k", SecretAccessKey: "s", PathStyle: true})
	store.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("data")})
	store.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("orders.jsonl"),
		Body: strings.NewReader("{\"id\": 1}\n{\"id\": 2}\n{\"id\": 3}\n")})

	sm, _ := asl.Parse([]byte(`{"StartAt": "Orders", "States": {"Orders": {"Type": "Map", "End": true,
		"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
		"ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
			"Parameters": {"Bucket": "data", "Key.$": "$.key"}},
		"ItemBatcher": {"MaxItemsPerBatch": 2},
		"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "data", "Prefix": "out"}}}}}`))
	cfg, _ := itemio.ParseMap(sm.States["Orders"].(*asl.Map))

	// The engine evaluates Parameters ("Key.$") against the state input.
	reader, _ := itemio.Open(ctx, store, cfg.Reader, itemio.Request{Parameters: map[string]any{"Bucket": "data", "Key": "orders.jsonl"}}, itemio.Position{})
	defer reader.Close()
	batcher, _ := itemio.NewBatcher(reader, cfg.Batcher, itemio.BatchLimits{})
	arn := "arn:aws:states:us-east-1:123456789012:mapRun:m/Orders:0f1e"
	writer, _ := itemio.NewWriter(store, cfg.Writer, map[string]any{"Bucket": "data", "Prefix": "out"}, arn, nil)
	for n := 0; ; n++ {
		batch, err := batcher.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		fmt.Println(asl.EncodeJSON(batch.Input), "resume at byte", batch.End.Offset)
		writer.Add(ctx, &itemio.ChildResult{Status: itemio.StatusSucceeded, Name: fmt.Sprint(n), Input: batch.Input, Output: len(batch.Input["Items"].([]any))})
	}
	out, _ := writer.Close(ctx)
	fmt.Println(asl.EncodeJSON(out))
	// Output:
	// {"Items":[{"id":1},{"id":2}]} resume at byte 20
	// {"Items":[{"id":3}]} resume at byte 30
	// {"MapRunArn":"arn:aws:states:us-east-1:123456789012:mapRun:m/Orders:0f1e","ResultWriterDetails":{"Bucket":"data","Key":"out/0f1e/manifest.json"}}
}
