// Command aws-sdk drives Stepwise with the official AWS SDK for Go: it
// lists the state machines, starts an execution of order-saga and waits
// for it. Run `go run ./cmd/stepwise dev` first (API on 127.0.0.1:8080).
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func main() {
	endpoint := "http://127.0.0.1:8080"
	if e := os.Getenv("STEPWISE_ENDPOINT"); e != "" {
		endpoint = e
	}
	client := sfn.New(sfn.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		// Any key id works without API keys (dev); with keys, use a key's id.
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		// StartSyncExecution would otherwise call sync-<host>.
		APIOptions: []func(*middleware.Stack) error{noHostPrefix},
	})
	ctx := context.Background()
	machines, err := client.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	if err != nil {
		log.Fatal(err)
	}
	var saga *string
	for _, m := range machines.StateMachines {
		fmt.Println("state machine:", aws.ToString(m.Name))
		if aws.ToString(m.Name) == "order-saga" {
			saga = m.StateMachineArn
		}
	}
	if saga == nil {
		log.Fatal("order-saga not found: is `stepwise dev` running?")
	}
	started, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: saga,
		Input: aws.String(`{"orderId":"sdk-1","amount":42,"items":[{"sku":"kettle","quantity":1}]}`)})
	if err != nil {
		log.Fatal(err)
	}
	for {
		d, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: started.ExecutionArn})
		if err != nil {
			log.Fatal(err)
		}
		if d.Status != "RUNNING" {
			fmt.Printf("%s: %s %s\n", aws.ToString(d.ExecutionArn), d.Status, aws.ToString(d.Output))
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// noHostPrefix stops the SDK from prefixing the host (sync-127.0.0.1).
func noHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("NoHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}
