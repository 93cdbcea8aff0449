package activities

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

// fixedRegistry returns a registry whose clock is fixed, with "reserve"
// registered to return a reservation for an order.
func fixedRegistry() *Registry {
	reg := NewRegistry()
	reg.now = func() time.Time { return time.Date(2024, 3, 5, 17, 4, 9, 0, time.FixedZone("CET", 3600)) }
	Register(reg, "reserve", func(_ context.Context, o order) (map[string]any, error) {
		return map[string]any{"reservationId": "r-" + o.OrderID, "lines": len(o.Items)}, nil
	})
	return reg
}

func TestInvokeOutput(t *testing.T) {
	t.Parallel()
	in := map[string]any{"orderId": "o-1", "items": []any{map[string]any{"sku": "kettle"}}}
	plain := map[string]any{"reservationId": "r-o-1", "lines": int64(1)}
	tests := []struct {
		name     string
		resource string
		input    any
		want     any
	}{
		{"lambda", lambdaARN + "reserve", in, plain},
		{"lambda qualified", lambdaARN + "reserve:prod", in, plain},
		{"activity", "arn:aws:states:us-east-1:123456789012:activity:reserve", in, plain},
		{"activity short", "arn:aws:states:::activity:reserve", in, plain},
		{"native", "stepwise:function:reserve", in, plain},
		{"invoke", invokeARN, map[string]any{"FunctionName": "reserve", "Payload": in},
			invokeShape("$LATEST", plain, `{"lines":1,"reservationId":"r-o-1"}`)},
		{"invoke version", invokeARN, map[string]any{"FunctionName": lambdaARN + "reserve:12", "Payload": in},
			invokeShape("12", plain, `{"lines":1,"reservationId":"r-o-1"}`)},
		{"invoke alias", invokeARN, map[string]any{"FunctionName": "123456789012:function:reserve", "Qualifier": "prod", "Payload": in},
			invokeShape("$LATEST", plain, `{"lines":1,"reservationId":"r-o-1"}`)},
		{"invoke without payload", invokeARN + ".waitForTaskToken", map[string]any{"FunctionName": "reserve"},
			invokeShape("$LATEST", map[string]any{"reservationId": "r-", "lines": int64(0)}, `{"lines":0,"reservationId":"r-"}`)},
	}
	ctx := WithTask(context.Background(), TaskInfo{IdempotencyKey: "exec/Reserve/0"}, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := fixedRegistry().Invoke(ctx, tt.resource, tt.input)
			require.NoError(t, err)
			require.Equal(t, tt.want, out)
		})
	}
}

// invokeShape is the lambda:invoke result expected for output, whose JSON
// is body, with the request id derived from the key "exec/Reserve/0".
func invokeShape(version string, output any, body string) map[string]any {
	const id = "368da4c6-47c4-457e-87ed-c1b48f597e86"
	headers := map[string]any{
		"Connection":                     "keep-alive",
		"Content-Length":                 fmt.Sprint(len(body)),
		"Content-Type":                   "application/json",
		"Date":                           "Tue, 05 Mar 2024 16:04:09 GMT",
		"X-Amz-Executed-Version":         version,
		"x-amzn-Remapped-Content-Length": "0",
		"x-amzn-RequestId":               id,
	}
	all := map[string]any{}
	for k, v := range headers {
		all[k] = []any{v}
	}
	return map[string]any{
		"ExecutedVersion": version,
		"Payload":         output,
		"SdkHttpMetadata": map[string]any{
			"AllHttpHeaders": all,
			"HttpHeaders":    headers,
			"HttpStatusCode": int64(200),
		},
		"SdkResponseMetadata": map[string]any{"RequestId": id},
		"StatusCode":          int64(200),
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	keyed := func(key string) context.Context {
		return WithTask(context.Background(), TaskInfo{IdempotencyKey: key}, nil)
	}
	a, b := requestID(keyed("exec/S/0")), requestID(keyed("exec/S/1"))
	require.Equal(t, a, requestID(keyed("exec/S/0")), "a redelivered attempt reports the same id")
	require.NotEqual(t, a, b)
	r1, r2 := requestID(context.Background()), requestID(keyed(""))
	require.NotEqual(t, r1, r2)
	for _, id := range []string{a, b, r1, r2} {
		require.Regexp(t, uuid, id)
	}
}

// namedErr carries its own error name.
type namedErr struct{ name, text string }

func (e namedErr) Error() string     { return e.text }
func (e namedErr) ErrorName() string { return e.name }

func TestInvokeErrors(t *testing.T) {
	t.Parallel()
	declined := NewError("PaymentDeclined", "card expired")
	tests := []struct {
		name  string
		fn    func(ctx context.Context, in order) (any, error)
		input any
		want  *asl.Error
		// err, when set, must be in the returned error's chain.
		err error
	}{
		{"asl error", fail(declined), nil, declined, nil},
		{"wrapped asl error", fail(fmt.Errorf("charging: %w", declined)), nil, declined, nil},
		{"asl error without name", fail(&asl.Error{Cause: "why"}), nil,
			&asl.Error{Name: asl.ErrorTaskFailed, Cause: "why"}, nil},
		{"predefined name", fail(asl.NewError(asl.ErrorTimeout, "slow")), nil,
			&asl.Error{Name: asl.ErrorTimeout, Cause: "slow"}, nil},
		{"named error", fail(namedErr{"ServiceException", "503 from bank"}), nil,
			&asl.Error{Name: "ServiceException", Cause: "503 from bank"}, namedErr{"ServiceException", "503 from bank"}},
		{"wrapped named error", fail(fmt.Errorf("charging: %w", namedErr{"Throttled", "slow down"})), nil,
			&asl.Error{Name: "Throttled", Cause: "charging: slow down"}, namedErr{"Throttled", "slow down"}},
		{"named error without name", fail(namedErr{"", "plain"}), nil,
			&asl.Error{Name: asl.ErrorTaskFailed, Cause: "plain"}, nil},
		{"deadline", fail(context.DeadlineExceeded), nil,
			&asl.Error{Name: asl.ErrorTimeout, Cause: "context deadline exceeded"}, context.DeadlineExceeded},
		{"wrapped deadline", fail(fmt.Errorf("calling bank: %w", context.DeadlineExceeded)), nil,
			&asl.Error{Name: asl.ErrorTimeout, Cause: "calling bank: context deadline exceeded"}, context.DeadlineExceeded},
		{"cancelled", fail(context.Canceled), nil,
			&asl.Error{Name: asl.ErrorTaskFailed, Cause: "context canceled"}, context.Canceled},
		{"plain error", fail(errors.New("disk full")), nil,
			&asl.Error{Name: asl.ErrorTaskFailed, Cause: "disk full"}, nil},
		{"panic", func(context.Context, order) (any, error) { panic("boom") }, nil,
			&asl.Error{Name: asl.ErrorTaskFailed, Cause: "function f panicked: boom"}, nil},
		{"panic with error", func(context.Context, order) (any, error) { panic(errors.New("nil map")) }, nil,
			&asl.Error{Name: asl.ErrorTaskFailed, Cause: "function f panicked: nil map"}, nil},
		{"input type", ok, "o-1",
			&asl.Error{Name: ErrorInvalidInput, Cause: "function f cannot decode its input into activities.order: json: cannot unmarshal string into Go value of type activities.order"}, nil},
		{"field type", ok, map[string]any{"orderId": int64(7)},
			&asl.Error{Name: ErrorInvalidInput, Cause: "function f cannot decode its input into activities.order: json: cannot unmarshal number into Go struct field order.orderId of type string"}, nil},
		{"output not JSON", func(context.Context, order) (any, error) { return make(chan int), nil }, nil,
			&asl.Error{Name: ErrorInvalidOutput, Cause: "function f returned output that is not JSON: json: unsupported type: chan int"}, nil},
		{"output NaN", func(context.Context, order) (any, error) { return math.NaN(), nil }, nil,
			&asl.Error{Name: ErrorInvalidOutput, Cause: "function f returned output that is not JSON: json: unsupported value: NaN"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg := NewRegistry()
			Register(reg, "f", tt.fn)
			_, err := reg.Invoke(context.Background(), lambdaARN+"f", tt.input)
			var got *asl.Error
			require.ErrorAs(t, err, &got)
			require.Equal(t, tt.want.Name, got.Name)
			require.Equal(t, tt.want.Cause, got.Cause)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
			}
		})
	}
}

func fail(err error) func(context.Context, order) (any, error) {
	return func(context.Context, order) (any, error) { return nil, err }
}

func ok(_ context.Context, in order) (any, error) { return in, nil }

func TestInvokePanicStack(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	Register(reg, "f", func(context.Context, any) (any, error) { panic("boom") })
	_, err := reg.Invoke(context.Background(), "stepwise:function:f", nil)
	var p *PanicError
	require.ErrorAs(t, err, &p)
	require.Equal(t, "f", p.Function)
	require.Equal(t, "boom", p.Value)
	require.Contains(t, string(p.Stack), "activities.TestInvokePanicStack")
}

func TestInvokeTypedNilError(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	Register(reg, "f", func(context.Context, any) (string, error) {
		var e *asl.Error
		return "done", e
	})
	out, err := reg.Invoke(context.Background(), "stepwise:function:f", nil)
	require.NoError(t, err)
	require.Equal(t, "done", out)
}

func TestInvokeContextCause(t *testing.T) {
	t.Parallel()
	lost := asl.NewError(asl.ErrorHeartbeatTimeout, "no heartbeat for 10 seconds")
	stopped := asl.NewError(asl.ErrorTaskFailed, "the execution was stopped")
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want *asl.Error
	}{
		{"cancel cause", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(lost)
			return ctx, func() {}
		}, lost},
		{"deadline cause", func() (context.Context, context.CancelFunc) {
			return context.WithDeadlineCause(context.Background(), time.Unix(0, 0), lost)
		}, lost},
		{"stopped", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(fmt.Errorf("stop: %w", stopped))
			return ctx, func() {}
		}, stopped},
		{"plain deadline", func() (context.Context, context.CancelFunc) {
			return context.WithDeadline(context.Background(), time.Unix(0, 0))
		}, &asl.Error{Name: asl.ErrorTimeout, Cause: "context deadline exceeded"}},
		{"cause not an asl error", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(errors.New("shutting down"))
			return ctx, func() {}
		}, &asl.Error{Name: asl.ErrorTaskFailed, Cause: "context canceled"}},
	}
	reg := NewRegistry()
	Register(reg, "wait", func(ctx context.Context, _ any) (any, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := tt.ctx()
			defer cancel()
			_, err := reg.Invoke(ctx, "stepwise:function:wait", nil)
			var got *asl.Error
			require.ErrorAs(t, err, &got)
			require.Equal(t, tt.want.Name, got.Name)
			require.Equal(t, tt.want.Cause, got.Cause)
		})
	}
}

func TestInvokeUnregistered(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	Register(reg, "other", echo[any])
	tests := []struct {
		resource string
		input    any
		cause    string
	}{
		{lambdaARN + "missing", nil, "no worker has registered a function for resource " + lambdaARN + `missing: bind one with activities.Register(reg, "missing", fn)`},
		{invokeARN, map[string]any{"FunctionName": "123456789012:function:missing:3"},
			"no worker has registered a function for resource " + invokeARN + `: bind one with activities.Register(reg, "missing", fn)`},
		{"arn:aws:states:::activity:missing", nil, `no worker has registered a function for resource arn:aws:states:::activity:missing: bind one with activities.Register(reg, "missing", fn)`},
		{"stepwise:function:missing", nil, `no worker has registered a function for resource stepwise:function:missing: bind one with activities.Register(reg, "missing", fn)`},
		{"arn:aws:states:::sns:publish", nil, `no worker has registered a function for resource arn:aws:states:::sns:publish: bind one with activities.RegisterIntegration(reg, "sns:publish", fn), or serve it with activity workers (--bind-activity sns:publish=ACTIVITY)`},
		{"arn:aws:states:::glue:startJobRun.sync", nil, `no worker has registered a function for resource arn:aws:states:::glue:startJobRun.sync: bind one with activities.RegisterIntegration(reg, "glue:startJobRun", fn), or serve it with activity workers (--bind-activity glue:startJobRun=ACTIVITY)`},
		{"arn:aws:states:::aws-sdk:s3:getObject", nil, `no worker has registered a function for resource arn:aws:states:::aws-sdk:s3:getObject: bind one with activities.RegisterIntegration(reg, "aws-sdk:s3:getObject", fn), or serve it with activity workers (--bind-activity aws-sdk:s3:getObject=ACTIVITY)`},
		{"arn:aws:states:::http:invoke", nil, `no worker has registered a function for resource arn:aws:states:::http:invoke: bind one with activities.RegisterIntegration(reg, "http:invoke", fn)`},
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			t.Parallel()
			_, err := reg.Invoke(context.Background(), tt.resource, tt.input)
			require.Equal(t, &asl.Error{Name: asl.ErrorRuntime, Cause: tt.cause}, err)
		})
	}
}

func TestInvokeBadResource(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	Register(reg, "f", echo[any])
	_, err := reg.Invoke(context.Background(), "arn:aws:states:::lambda:invoke", map[string]any{"FunctionName": "f", "Paylod": int64(1)})
	var got *asl.Error
	require.ErrorAs(t, err, &got)
	require.Equal(t, asl.ErrorRuntime, got.Name)
	require.Contains(t, got.Cause, `does not take the parameter "Paylod"`)
}

func TestInvokeConcurrent(t *testing.T) {
	t.Parallel()
	reg := fixedRegistry()
	done := make(chan error)
	for i := range 8 {
		go func() {
			in := map[string]any{"orderId": fmt.Sprint(i)}
			out, err := reg.Invoke(context.Background(), "stepwise:function:reserve", in)
			if err == nil && out.(map[string]any)["reservationId"] != "r-"+fmt.Sprint(i) {
				err = fmt.Errorf("wrong output %v", out)
			}
			done <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-done)
	}
}
