package activities

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestInfo(t *testing.T) {
	t.Parallel()
	_, ok := Info(context.Background())
	require.False(t, ok)

	info := TaskInfo{
		ExecutionARN:   "arn:aws:states:us-east-1:123456789012:execution:orders:o-1",
		StateName:      "ReserveInventory",
		Attempt:        2,
		IdempotencyKey: "o-1/ReserveInventory/2",
		TaskToken:      "tok",
	}
	got, ok := Info(WithTask(context.Background(), info, nil))
	require.True(t, ok)
	require.Equal(t, info, got)
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	gone := errors.New("task timed out")
	tests := []struct {
		name      string
		ctx       func(calls *int) context.Context
		want      error
		heartbeat int
	}{
		{"outside a task", func(*int) context.Context { return context.Background() }, ErrNoHeartbeat, 0},
		{"no heartbeat function", func(*int) context.Context {
			return WithTask(context.Background(), TaskInfo{}, nil)
		}, ErrNoHeartbeat, 0},
		{"heartbeat", func(calls *int) context.Context {
			return WithTask(context.Background(), TaskInfo{}, func(ctx context.Context) error {
				*calls++
				_, ok := Info(ctx)
				require.True(t, ok, "the heartbeat gets the task's context")
				return nil
			})
		}, nil, 1},
		{"engine error", func(calls *int) context.Context {
			return WithTask(context.Background(), TaskInfo{}, func(context.Context) error {
				*calls++
				return gone
			})
		}, gone, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			calls := 0
			err := Heartbeat(tt.ctx(&calls))
			require.ErrorIs(t, err, tt.want)
			if tt.want == nil {
				require.NoError(t, err)
			}
			require.Equal(t, tt.heartbeat, calls)
		})
	}
}

func TestInvokePassesTaskContext(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	type seen struct {
		Key   string `json:"key"`
		Token string `json:"token"`
		Beats int    `json:"beats"`
	}
	Register(reg, "ask", func(ctx context.Context, _ any) (seen, error) {
		info, _ := Info(ctx)
		s := seen{Key: info.IdempotencyKey, Token: info.TaskToken}
		for range 3 {
			if err := Heartbeat(ctx); err != nil {
				return s, err
			}
			s.Beats++
		}
		return s, nil
	})
	beats := 0
	ctx := WithTask(context.Background(), TaskInfo{IdempotencyKey: "k", TaskToken: "tok"}, func(context.Context) error {
		beats++
		return nil
	})
	out, err := reg.Invoke(ctx, "stepwise:function:ask.waitForTaskToken", nil)
	require.NoError(t, err)
	require.Equal(t, map[string]any{"key": "k", "token": "tok", "beats": int64(3)}, out)
	require.Equal(t, 3, beats)

	_, err = reg.Invoke(context.Background(), "stepwise:function:ask", nil)
	require.ErrorIs(t, err, ErrNoHeartbeat)
}
