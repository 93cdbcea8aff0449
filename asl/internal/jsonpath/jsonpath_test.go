package jsonpath

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

func TestSelect(t *testing.T) {
	t.Parallel()
	doc := jsonvalue.MustDecode(`{"a":{"b":[1,2,{"c":"x"}]},"users":[{"s":0,"n":"a"},{"s":1,"n":"b"}],"k y":true,"n":null,"input-value":5,"a-b":{"c d":6},"q\\\"'s":7,"b\\s":8}`)
	tests := []struct {
		path string
		want string
		err  bool
	}{
		{path: "$", want: jsonvalue.String(doc)},
		{path: "$.a.b[0]", want: `1`},
		{path: "$.a.b[-1].c", want: `"x"`},
		{path: "$['k y']", want: `true`},
		{path: "$.n", want: `null`},
		{path: "$.missing", err: true},
		{path: "$.a.b[7]", err: true},
		{path: "$.users[*].n", want: `["a","b"]`},
		{path: "$.users[?(@.s == 0)]", want: `[{"n":"a","s":0}]`},
		{path: "$.nothing[*]", want: `[]`},
		{path: "$.a.b[1:5]", want: `[2,{"c":"x"}]`},
		{path: "$..c", want: `["x"]`},
		{path: "$.users[?(@.n == b)].s", want: `[1]`},
		{path: "$.users[?(@.n == 'b' && @.s > 0)].s", want: `[1]`},
		{path: "$.input-value", want: `5`},
		{path: "$.a-b.c d", want: `6`},
		{path: "$['input-value']", want: `5`},
		{path: `$['q\"\'s']`, want: `7`},
		{path: `$.b\s`, want: `8`},
		{path: "$.[0]", err: true},
		{path: "$.a.[0]", err: true},
		{path: "$.a.b.[0]", want: `1`},
		{path: "$.users.[1].n", want: `"b"`},
		{path: "$.users.[*].['n']", want: `["a","b"]`},
		{path: "$.users.[*].['n','s']", want: `[{"n":"a","s":0},{"n":"b","s":1}]`},
		{path: "$.users[*]['n','missing']", want: `[{"n":"a"},{"n":"b"}]`},
		{path: "$['input-value','n','missing']", want: `{"input-value":5,"n":null}`},
		{path: "$.a.b[2]['c','d']", want: `{"c":"x"}`},
		{path: "$.a.b[0]['c','d']", err: true},
		{path: "$.nothing['c','d']", err: true},
		{path: "$.a.b[*]['c','d']", want: `[{"c":"x"}]`},
		{path: "$.a..[0]", want: `[1]`},
		{path: "$.a.b[(@.length-1)].c", want: `"x"`},
		{path: "$.a.b[(@.length - 2)]", want: `2`},
		{path: "$.a.b[(@.length+1)]", err: true},
		{path: "$.a.b[(@.length-4)].c", want: `"x"`},
		{path: "$.a.b[(2*(1+0)-2)]", want: `1`},
		{path: "$.a.b[((-(-1)))]", want: `2`},
		{path: "$.a.b.[(@.length-1)]", want: `{"c":"x"}`},
		{path: "$.users[(@.length-1)].n", want: `"b"`},
		{path: "$.users[*][(@.length)]", want: `[]`},
		{path: "$[('a')].b[0]", want: `1`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			p, err := Compile(tt.path)
			require.NoError(t, err)
			got, err := p.Select(doc)
			if tt.err {
				require.ErrorIs(t, err, ErrNotFound)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, jsonvalue.String(got))
		})
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"", "a.b", "$.a[", "$[?(@.x ==", "$[(@.length-)]", "$[(@.length 1)]", "$[" + strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100) + "]", "$[(@.x y)]", "$[('a)]"} {
		_, err := Compile(src)
		require.Error(t, err, src)
	}
	_, err := CompileReference("$.a[*]")
	require.Error(t, err)
	_, err = CompileReference("$['a','b']")
	require.Error(t, err)
	v, err := Compile("$order.items[0]")
	require.NoError(t, err)
	require.Equal(t, "order", v.Variable())
	got, err := v.Select(jsonvalue.MustDecode(`{"items":[4]}`))
	require.NoError(t, err)
	require.Equal(t, int64(4), got)
	_, err = Compile("$order-x")
	require.Error(t, err)
	p, err := Compile("$$.Execution.Id")
	require.NoError(t, err)
	require.True(t, p.Context())
}

func TestSet(t *testing.T) {
	t.Parallel()
	doc := jsonvalue.MustDecode(`{"a":{"b":1},"l":[1,2]}`)
	tests := []struct{ path, want string }{
		{"$", `5`},
		{"$.a.b", `{"a":{"b":5},"l":[1,2]}`},
		{"$.x.y", `{"a":{"b":1},"l":[1,2],"x":{"y":5}}`},
		{"$.l[1]", `{"a":{"b":1},"l":[1,5]}`},
	}
	for _, tt := range tests {
		got, err := MustCompile(tt.path).Set(doc, int64(5))
		require.NoError(t, err)
		require.Equal(t, tt.want, jsonvalue.String(got), tt.path)
	}
	require.Equal(t, `{"a":{"b":1},"l":[1,2]}`, jsonvalue.String(doc), "Set must not change its input")
	_, err := MustCompile("$.a.b.c").Set(doc, int64(5))
	require.Error(t, err)
}
