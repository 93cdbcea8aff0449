package activities

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

type order struct {
	OrderID string  `json:"orderId"`
	Amount  float64 `json:"amount"`
	Items   []item  `json:"items,omitempty"`
}

type item struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

func echo[T any](_ context.Context, in T) (T, error) { return in, nil }

func TestRegisterPanics(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 81)
	tests := []struct {
		name     string
		register func(reg *Registry)
		want     string
	}{
		{"twice", func(reg *Registry) {
			Register(reg, "f", echo[any])
			Register(reg, "f", echo[order])
		}, `activities: Register: function "f" is already registered`},
		{"nil function", func(reg *Registry) { Register[any, any](reg, "f", nil) },
			`activities: Register "f": nil function`},
		{"empty name", func(reg *Registry) { Register(reg, "", echo[any]) },
			`activities: Register: function name "" is not 1 to 80 characters long`},
		{"colon", func(reg *Registry) { Register(reg, "a:b", echo[any]) },
			`activities: Register: function name "a:b" contains ':', which a name may not hold`},
		{"space", func(reg *Registry) { Register(reg, "a b", echo[any]) },
			`activities: Register: function name "a b" contains ' ', which a name may not hold`},
		{"too long", func(reg *Registry) { Register(reg, long, echo[any]) },
			`activities: Register: function name "` + long + `" is not 1 to 80 characters long`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.PanicsWithValue(t, tt.want, func() { tt.register(NewRegistry()) })
		})
	}
}

func TestNamesAndHas(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	require.Empty(t, reg.Names())
	for _, name := range []string{"ship-order", "approve.v2", "Check_Inventory", "audit"} {
		Register(reg, name, echo[any])
	}
	require.Equal(t, []string{"Check_Inventory", "approve.v2", "audit", "ship-order"}, reg.Names())
	require.True(t, reg.Has("audit"))
	require.True(t, reg.Has("approve.v2"))
	require.False(t, reg.Has("Audit"))
	require.False(t, reg.Has(""))
}

func TestRegisterInputTypes(t *testing.T) {
	t.Parallel()
	input := map[string]any{"orderId": "o-1", "amount": int64(42), "items": []any{map[string]any{"sku": "kettle", "quantity": int64(2)}}}
	tests := []struct {
		name     string
		register func(reg *Registry)
		want     any
	}{
		{"struct", func(reg *Registry) { Register(reg, "f", echo[order]) }, input},
		{"pointer", func(reg *Registry) { Register(reg, "f", echo[*order]) }, input},
		{"map", func(reg *Registry) { Register(reg, "f", echo[map[string]any]) }, input},
		{"any", func(reg *Registry) { Register(reg, "f", echo[any]) }, input},
		{"raw", func(reg *Registry) { Register(reg, "f", echo[json.RawMessage]) }, input},
		{"field", func(reg *Registry) {
			Register(reg, "f", func(_ context.Context, o order) (float64, error) { return o.Amount * 1.5, nil })
		}, int64(63)},
		{"fraction", func(reg *Registry) {
			Register(reg, "f", func(_ context.Context, o order) (float64, error) { return o.Amount / 8, nil })
		}, 5.25},
		{"no output", func(reg *Registry) {
			Register(reg, "f", func(context.Context, any) (*order, error) { return nil, nil })
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg := NewRegistry()
			tt.register(reg)
			out, err := reg.Invoke(context.Background(), "stepwise:function:f", input)
			require.NoError(t, err)
			require.Equal(t, tt.want, out)
		})
	}
}
