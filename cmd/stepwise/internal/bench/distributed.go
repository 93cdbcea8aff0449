package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/itemio"
	"github.com/stepwise-run/stepwise/store"
)

// distributedBatch is how many items each child of the distributed-map
// workload gets.
const distributedBatch = 100

// distributedDef reads items.jsonl in batches, each child counting its
// batch, and exports the results.
var distributedDef = fmt.Sprintf(`{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
	"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},
		"Parameters":{"Bucket":"bench","Key":"items.jsonl"}},
	"ItemBatcher":{"MaxItemsPerBatch":%d},
	"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"bench","Prefix":"out"}},
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Count",
		"States":{"Count":{"Type":"Pass","Parameters":{"n.$":"States.ArrayLength($.Items)"},"End":true}}}}}}`, distributedBatch)

// distributedMap runs one Distributed Map over n JSON Lines items that an
// S3 protocol server in this process (gofakes3, in memory) serves, in
// batches of 100, with its results exported there.
func distributedMap(ctx context.Context, r *runner, n int) (*Result, error) {
	objects, stop, err := benchObjectStore(ctx, n)
	if err != nil {
		return nil, err
	}
	defer stop()
	v, err := r.openWith(ctx, &engine.Config{ObjectStore: objects})
	if err != nil {
		return nil, err
	}
	res := &Result{Count: 1, Unit: "executions", Note: fmt.Sprintf("one Distributed Map, JSONL from S3, batches of %d", distributedBatch)}
	err = v.runOne(ctx, distributedDef, res)
	if err == nil {
		res.rescale(n, "items")
	}
	return done(v, res, err)
}

// runOne creates a machine of definition, runs one execution of it while
// measuring, and requires it to succeed.
func (v *env) runOne(ctx context.Context, definition string, res *Result) error {
	if _, _, err := v.e.CreateStateMachine(ctx, "m", engine.MachineSpec{Definition: definition}); err != nil {
		return err
	}
	if err := v.begin(ctx); err != nil {
		return err
	}
	exec, _, err := v.e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Input: "{}"})
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if exec, err = v.e.Wait(wctx, exec.ARN); err != nil {
		return err
	}
	if exec.Status != store.StatusSucceeded {
		return fmt.Errorf("the execution %s: %s", exec.Status, deref(exec.Cause))
	}
	return v.end(ctx, res)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// benchObjectStore starts an in-memory S3 protocol server holding
// bench/items.jsonl of n lines, and returns a client of it.
func benchObjectStore(ctx context.Context, n int) (*s3.Client, func(), error) {
	srv := httptest.NewUnstartedServer(gofakes3.New(s3mem.New()).Server())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // readers close objects they stop reading early
	srv.Start()
	client, err := itemio.NewStore(ctx, &itemio.StoreConfig{Endpoint: srv.URL, Region: "us-east-1", AccessKeyID: "bench",
		SecretAccessKey: "bench", PathStyle: true})
	if err == nil {
		_, err = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")})
	}
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	var items bytes.Buffer
	for i := range n {
		fmt.Fprintf(&items, "{\"id\":%d,\"sku\":\"s-%d\"}\n", i, i%97)
	}
	_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String("items.jsonl"),
		Body: bytes.NewReader(items.Bytes())})
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return client, srv.Close, nil
}
