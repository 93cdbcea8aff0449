package intrinsic

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/internal/failure"
	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// eval parses src and evaluates it against the JSON text input.
func eval(t *testing.T, src, input string) (any, error) {
	t.Helper()
	c, err := Parse(src)
	require.NoError(t, err, src)
	return c.Eval(Env{
		Input:   jsonvalue.MustDecode(input),
		Context: jsonvalue.MustDecode(`{"Execution":{"Input":{"csv":"x,y"},"Name":"run"}}`),
		Vars:    map[string]any{"greeting": "hi", "obj": jsonvalue.MustDecode(`{"a":[10,20]}`)},
		Rand:    rand.New(rand.NewPCG(1, 2)),
	})
}

func TestEval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src   string
		input string
		want  string
	}{
		// States.Format
		{"States.Format('Hello {}', $.name)", `{"name":"Ada"}`, `"Hello Ada"`},
		{"States.Format('no placeholders')", `{}`, `"no placeholders"`},
		{"States.Format('{} {} {} {}', $.s, $.i, $.f, $.b)", `{"s":"x","i":-1,"f":1.5,"b":false}`, `"x -1 1.5 false"`},
		{"States.Format('{}|{}', $.n, $.n)", `{"n":null}`, `"null|null"`},
		{"States.Format('{}', $.o)", `{"o":{"Arg1":1,"Arg2":[]}}`, `"{Arg1=1, Arg2=[]}"`},
		{"States.Format('{}', $.a)", `{"a":[1,"two",[3],{"k":null}]}`, `"[1, two, [3], {k=null}]"`},
		{"States.Format('{}', $.s)", `{"s":"{\"Arg1\": 1}"}`, `"{\"Arg1\": 1}"`},
		{`States.Format('\{{}\} \\ \'{}\'', $.a, $.b)`, `{"a":1,"b":"q"}`, `"{1} \\ 'q'"`},
		{`States.Format('Name: "{}"', $.a)`, `{"a":"x"}`, `"Name: \"x\""`},
		{"States.Format($.t, $.a)", `{"t":"It's {}!","a":"Pikachu"}`, `"It's Pikachu!"`},
		{"States.Format($.t, $.a)", `{"t":"\\{{}\\}","a":1}`, `"{1}"`},
		{"States.Format($greeting)", `{}`, `"hi"`},
		{"States.Format('{}', States.JsonToString($.o))", `{"o":{"k":1}}`, `"{\"k\":1}"`},
		// States.StringToJson and States.JsonToString
		{"States.StringToJson($.s)", `{"s":"{\"a\":[1,2.5,\"x\"],\"b\":null}"}`, `{"a":[1,2.5,"x"],"b":null}`},
		{"States.StringToJson($.s)", `{"s":" {\"a\":1} "}`, `{"a":1}`},
		{"States.StringToJson($.s)", `{"s":"-0"}`, `0`},
		{"States.StringToJson($.s)", `{"s":"\"x\""}`, `"x"`},
		{"States.StringToJson($.s)", `{"s":""}`, `null`},
		{"States.StringToJson($.s)", `{"s":"  "}`, `null`},
		{`States.StringToJson('{"a": {"b": true}}')`, `{}`, `{"a":{"b":true}}`},
		{"States.JsonToString($.v)", `{"v":{"b":[1,"<&>"],"a":null}}`, `"{\"a\":null,\"b\":[1,\"<&>\"]}"`},
		{"States.JsonToString($.v)", `{"v":1.1}`, `"1.1"`},
		{"States.JsonToString($.v)", `{"v":"x"}`, `"\"x\""`},
		{"States.JsonToString(null)", `{}`, `"null"`},
		// States.Array
		{"States.Array()", `{}`, `[]`},
		{"States.Array(42, true, null, 'hello', -1.5)", `{}`, `[42,true,null,"hello",-1.5]`},
		{"States.Array($.o, $.a, States.Array(2, 3))", `{"o":{"k":1},"a":[1]}`, `[{"k":1},[1],[2,3]]`},
		{"States.Array($$.Execution.Input.csv, $$.Execution.Name)", `{}`, `["x,y","run"]`},
		{"States.Array($obj.a[1], $greeting)", `{}`, `[20,"hi"]`},
		{"States.Array($.l[?(@.x == 1)].y, $..x)", `{"l":[{"x":1,"y":"a"},{"x":2,"y":"b"}]}`, `[["a"],[1,2]]`},
		{"States.Array($.a['b c'])", `{"a":{"b c":7}}`, `[7]`},
		// States.ArrayPartition
		{"States.ArrayPartition($.a, 2)", `{"a":[1,2,3,4,5]}`, `[[1,2],[3,4],[5]]`},
		{"States.ArrayPartition($.a, 4)", `{"a":[1,2,3]}`, `[[1,2,3]]`},
		{"States.ArrayPartition($.a, 1)", `{"a":[]}`, `[]`},
		{"States.ArrayPartition($.a, 2.6)", `{"a":[1,2,3,4,5]}`, `[[1,2],[3,4],[5]]`},
		{"States.ArrayPartition($.a, 2147483647)", `{"a":[1,2,3]}`, `[[1,2,3]]`},
		// States.ArrayContains
		{"States.ArrayContains($.a, 2)", `{"a":[1,2,3]}`, `true`},
		{"States.ArrayContains($.a, 2.0)", `{"a":[1,2,3]}`, `true`},
		{"States.ArrayContains($.a, 5)", `{"a":[1,2,3]}`, `false`},
		{"States.ArrayContains($.a, null)", `{"a":[1,null]}`, `true`},
		{"States.ArrayContains($.a, null)", `{"a":[]}`, `false`},
		{"States.ArrayContains($.a, $.v)", `{"a":[[1,2,3],2],"v":[1,2,3]}`, `true`},
		{"States.ArrayContains($.a, $.v)", `{"a":[{"a":1}],"v":{"a":1,"extra":null}}`, `false`},
		{"States.ArrayContains($.a, false)", `{"a":[0,1]}`, `false`},
		// States.ArrayRange
		{"States.ArrayRange(1, 9, 2)", `{}`, `[1,3,5,7,9]`},
		{"States.ArrayRange(0, 10, 3)", `{}`, `[0,3,6,9]`},
		{"States.ArrayRange(5, 1, -2)", `{}`, `[5,3,1]`},
		{"States.ArrayRange(3, 3, -1)", `{}`, `[3]`},
		{"States.ArrayRange(5, 1, 1)", `{}`, `[]`},
		{"States.ArrayRange(1, 5, -1)", `{}`, `[]`},
		{"States.ArrayRange(1.4, 5.6, 2.2)", `{}`, `[1,3,5]`},
		{"States.ArrayRange(5.4, -0.6, -2.4)", `{}`, `[5,3,1]`},
		{"States.ArrayRange(States.MathAdd($.b, 1), 5, 2)", `{"b":0}`, `[1,3,5]`},
		// States.ArrayGetItem
		{"States.ArrayGetItem($.a, 1)", `{"a":["a","b","c"]}`, `"b"`},
		{"States.ArrayGetItem($.a, $.i)", `{"a":[{"k":1},null],"i":1}`, `null`},
		{"States.ArrayGetItem($.a, 1.9)", `{"a":[10,20,30]}`, `20`},
		{"States.ArrayGetItem($.a, 999)", `{"a":[]}`, `null`},
		// States.ArrayLength
		{"States.ArrayLength($.a)", `{"a":[1,[2,3],{}]}`, `3`},
		{"States.ArrayLength(States.Array())", `{}`, `0`},
		// States.ArrayUnique
		{"States.ArrayUnique($.a)", `{"a":[1,2,1,3,2,4]}`, `[1,2,3,4]`},
		{"States.ArrayUnique($.a)", `{"a":[1,"1",1.0,"01",-0,0]}`, `[1,"1","01",0]`},
		{"States.ArrayUnique($.a)", `{"a":[null,null,true,false,true,[],[],[null],{"a":1,"b":2},{"b":2,"a":1},{"a":1,"b":1}]}`, `[null,true,false,[],[null],{"a":1,"b":2},{"a":1,"b":1}]`},
		// States.Base64Encode and States.Base64Decode
		{"States.Base64Encode('hello')", `{}`, `"aGVsbG8="`},
		{"States.Base64Encode($.s)", `{"s":"こんにちは"}`, `"44GT44KT44Gr44Gh44Gv"`},
		{"States.Base64Encode('')", `{}`, `""`},
		{"States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", `{}`, `"Data to encode"`},
		{"States.Base64Decode('4pyT')", `{}`, `"✓"`},
		{"States.Base64Decode('')", `{}`, `""`},
		{"States.Base64Decode(' YWJjZA== ')", `{}`, `"abcd"`},
		{"States.Base64Decode('YWJjZA')", `{}`, `"abcd"`},
		{"States.Base64Decode('ab==cd')", `{}`, `"i"`},
		{"States.Base64Decode('YWJjAGRlZg==')", `{}`, `"abc\u0000def"`},
		{"States.Base64Decode('/w==')", `{}`, `"\ufffd"`},
		{"States.Base64Decode(States.Base64Encode($.s))", `{"s":"🚀"}`, `"🚀"`},
		// States.Hash
		{"States.Hash('hello', 'MD5')", `{}`, `"5d41402abc4b2a76b9719d911017c592"`},
		{"States.Hash('hello', 'SHA-1')", `{}`, `"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"`},
		{"States.Hash('hello', 'SHA-256')", `{}`, `"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"`},
		{"States.Hash('hello', 'SHA-384')", `{}`, `"59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f"`},
		{"States.Hash('hello', 'SHA-512')", `{}`, `"9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"`},
		{"States.Hash(123, 'MD5')", `{}`, `"202cb962ac59075b964b07152d234b70"`},
		// States.JsonMerge
		{"States.JsonMerge($.a, $.b, false)", `{"a":{"a":{"a1":1},"b":2,"d":3},"b":{"a":{"a3":1},"c":3,"d":4}}`, `{"a":{"a3":1},"b":2,"c":3,"d":4}`},
		{"States.JsonMerge($.a, $.b, false)", `{"a":{},"b":{"x":null}}`, `{"x":null}`},
		{"States.JsonMerge($.a, $.b, $.d)", `{"a":{"x":1},"b":{},"d":"false"}`, `{"x":1}`},
		{`States.JsonMerge(States.StringToJson('{"k": "v"}'), $$.Execution.Input, false)`, `{}`, `{"k":"v","csv":"x,y"}`},
		// States.MathAdd
		{"States.MathAdd($.a, $.b)", `{"a":-9,"b":3}`, `-6`},
		{"States.MathAdd($.a, 0)", `{"a":0.5}`, `1`},
		{"States.MathAdd($.a, 0)", `{"a":-0.5}`, `0`},
		{"States.MathAdd($.a, 0)", `{"a":-2.5}`, `-2`},
		{"States.MathAdd($.a, 0)", `{"a":-1.51}`, `-2`},
		{"States.MathAdd($.a, $.b)", `{"a":1.5,"b":1.51}`, `4`},
		{"States.MathAdd(0.49999999999999994, 0)", `{}`, `0`},
		{"States.MathAdd(2147483646, 1)", `{}`, `2147483647`},
		{"States.MathAdd(-2147483647, -1)", `{}`, `-2147483648`},
		{"States.MathAdd(States.MathAdd($.x, 1), 2)", `{"x":5}`, `8`},
		// States.StringSplit
		{"States.StringSplit($.s, ',')", `{"s":"1,2,3"}`, `["1","2","3"]`},
		{"States.StringSplit($.s, $.d)", `{"s":"This.is+a,test=string","d":".+,="}`, `["This","is","a","test","string"]`},
		{"States.StringSplit($.s, ',')", `{"s":", , ,"}`, `[" "," "]`},
		{"States.StringSplit($.s, ',')", `{"s":""}`, `[]`},
		{"States.StringSplit($.s, '')", `{"s":"abc"}`, `["abc"]`},
		{"States.StringSplit($.s, 'é')", `{"s":"aébéc"}`, `["a","b","c"]`},
		{"States.StringSplit($$.Execution.Input.csv, ',')", `{}`, `["x","y"]`},
	}
	for _, tt := range tests {
		got, err := eval(t, tt.src, tt.input)
		require.NoError(t, err, tt.src)
		want := jsonvalue.MustDecode(tt.want)
		require.True(t, jsonvalue.Equal(want, got), "%s: want %s, got %s", tt.src, tt.want, jsonvalue.String(got))
	}
}

func TestEvalErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src   string
		input string
		cause string
	}{
		// argument counts
		{"States.ArrayLength()", `{}`, "Invalid arguments in States.ArrayLength: expected 1 argument but got 0"},
		{"States.ArrayContains($.a)", `{"a":[]}`, "Invalid arguments in States.ArrayContains: expected 2 arguments but got 1"},
		{"States.MathRandom(1)", `{}`, "expected 2 to 3 arguments but got 1"},
		{"States.MathRandom(1, 10, 5, 99)", `{}`, "expected 2 to 3 arguments but got 4"},
		{"States.Format()", `{}`, "expected at least 1 argument but got 0"},
		{"States.UUID(1)", `{}`, "expected 0 arguments but got 1"},
		{"States.JsonMerge($.a, $.a)", `{"a":{}}`, "expected 3 arguments"},
		// States.Format
		{"States.Format('{} {}', $.a)", `{"a":1}`, "does not match the number of {} placeholders (2)"},
		{"States.Format('{}', $.a, $.b)", `{"a":1,"b":2}`, "Invalid arguments in States.Format"},
		{"States.Format('Hello {', $.a)", `{"a":1}`, "unmatched '{'"},
		{"States.Format('}')", `{}`, "unmatched '}'"},
		{"States.Format('Hello {{}}', $.a)", `{"a":1}`, "unmatched '{'"},
		{"States.Format($.t, $.a)", `{"t":123,"a":1}`, "the first argument must be a string, not number"},
		{"States.Format($.t, $.a)", `{"t":"{x}","a":1}`, "unmatched '{'"},
		// States.StringToJson
		{"States.StringToJson($.s)", `{"s":"{bad json}"}`, "Invalid arguments in States.StringToJson: the first argument is not JSON text"},
		{"States.StringToJson($.s)", `{"s":"{\"a\":1"}`, "not JSON text"},
		{"States.StringToJson($.s)", `{"s":"undefined"}`, "not JSON text"},
		{"States.StringToJson($.s)", `{"s":"1 2"}`, "not JSON text"},
		{"States.StringToJson($.s)", `{"s":123}`, "must be a string, not number"},
		{"States.StringToJson($.s)", `{"s":[1]}`, "must be a string, not array"},
		// arrays
		{"States.ArrayPartition('not-array', 2)", `{}`, "Invalid arguments in States.ArrayPartition: the first argument must be an array, not string"},
		{"States.ArrayPartition($.a, 0)", `{"a":[1]}`, "the chunk size must be a positive integer, not 0"},
		{"States.ArrayPartition($.a, 0.6)", `{"a":[1]}`, "not 0"},
		{"States.ArrayPartition($.a, -1)", `{"a":[1]}`, "not -1"},
		{"States.ArrayPartition($.a, '2')", `{"a":[1]}`, "the second argument must be a number, not string"},
		{"States.ArrayPartition($.a, null)", `{"a":[1]}`, "must be a number, not null"},
		{"States.ArrayPartition($.a, 3000000000)", `{"a":[1]}`, "not within the range of a 32-bit integer"},
		{"States.ArrayContains('x', 'x')", `{}`, "must be an array, not string"},
		{"States.ArrayRange('a', 5, 1)", `{}`, "the first argument must be a number, not string"},
		{"States.ArrayRange(1, 'b', 1)", `{}`, "the second argument must be a number"},
		{"States.ArrayRange(1, 5, 'c')", `{}`, "the third argument must be a number"},
		{"States.ArrayRange(1, 10, 0)", `{}`, "the step must not be 0"},
		{"States.ArrayRange(1, 10, 0.49)", `{}`, "the step must not be 0"},
		{"States.ArrayRange(1, 1001, 1)", `{}`, "the range would have 1001 items, more than the limit of 1000"},
		{"States.ArrayRange(1001, 1, -1)", `{}`, "1001 items"},
		{"States.ArrayRange(-2147483648, 2147483647, 1)", `{}`, "more than the limit"},
		{"States.ArrayGetItem('not-array', 0)", `{}`, "must be an array"},
		{"States.ArrayGetItem($.a, 3)", `{"a":[10,20,30]}`, "the index 3 is out of bounds for an array of length 3"},
		{"States.ArrayGetItem($.a, -1)", `{"a":[10,20,30]}`, "the index -1 is negative"},
		{"States.ArrayGetItem($.a, '1')", `{"a":[10]}`, "must be a number, not string"},
		{"States.ArrayLength($.o)", `{"o":{"k":1}}`, "must be an array, not object"},
		{"States.ArrayUnique('x')", `{}`, "must be an array, not string"},
		// encoding and hashing
		{"States.Base64Encode(123)", `{}`, "Invalid arguments in States.Base64Encode: the first argument must be a string, not number"},
		{"States.Base64Encode($.s)", `{"s":"` + strings.Repeat("a", 10001) + `"}`, "has 10001 characters, more than the limit of 10000"},
		{"States.Base64Decode($.o)", `{"o":{}}`, "must be a string, not object"},
		{"States.Base64Decode($.s)", `{"s":"` + strings.Repeat("A", 10001) + `"}`, "more than the limit of 10000"},
		{"States.Hash($.s, 'SHA-256')", `{"s":"` + strings.Repeat("a", 10001) + `"}`, "the data has 10001 characters"},
		{"States.Hash('data', 'sha-256')", `{}`, `the algorithm "sha-256" is not one of`},
		{"States.Hash('data', 'SHA256')", `{}`, "is not one of"},
		{"States.Hash('data', '')", `{}`, "is not one of"},
		{"States.Hash('hello', 123)", `{}`, "the second argument must be a string, not number"},
		// States.JsonMerge
		{"States.JsonMerge($.a, $.b, false)", `{"a":null,"b":{}}`, "the first argument must be an object, not null"},
		{"States.JsonMerge($.a, $.b, false)", `{"a":{},"b":[]}`, "the second argument must be an object, not array"},
		{"States.JsonMerge($.a, $.b, true)", `{"a":{},"b":{}}`, "deep merge is not supported"},
		// math
		{"States.MathAdd(2147483647, 1)", `{}`, "the sum 2147483648 is not within the range of a 32-bit integer"},
		{"States.MathAdd(-2147483648, -1)", `{}`, "not within the range"},
		{"States.MathAdd(3000000000, 1)", `{}`, "the first argument 3000000000 is not within the range"},
		{"States.MathAdd('a', 1)", `{}`, "Invalid arguments in States.MathAdd: the first argument must be a number, not string"},
		{"States.MathAdd(1, '2')", `{}`, "the second argument must be a number, not string"},
		{"States.MathAdd(null, 1)", `{}`, "not null"},
		{"States.MathAdd(true, 1)", `{}`, "not boolean"},
		{"States.MathAdd(-1, $.p)", `{"p":[1]}`, "not array"},
		{"States.MathRandom(1, 1)", `{}`, "the start 1 must be less than the end 1"},
		{"States.MathRandom(10, 5)", `{}`, "must be less than"},
		{"States.MathRandom(1.4, 1.6)", `{}`, "must be less than"},
		{"States.MathRandom('a', 10)", `{}`, "the first argument must be a number"},
		{"States.MathRandom(1, 'b')", `{}`, "the second argument must be a number"},
		{"States.MathRandom(1, 10, 'seed')", `{}`, "the seed must be a number, not string"},
		{"States.MathRandom(1, 10, null)", `{}`, "the seed must be a number, not null"},
		{"States.MathRandom(1, 10, 1e300)", `{}`, "not within the range of a 64-bit integer"},
		// States.StringSplit
		{"States.StringSplit($.s, ',')", `{"s":123}`, "Invalid arguments in States.StringSplit: the first argument must be a string, not number"},
		{"States.StringSplit($.s, $.d)", `{"s":"a,b","d":null}`, "the second argument must be a string, not null"},
		{"States.StringSplit($.s, $.d)", `{"s":"a,b","d":[","]}`, "not array"},
		// paths and variables
		{"States.Base64Encode($.missing)", `{}`, "The JSONPath '$.missing' could not be found in the input '{}'"},
		{"States.Array($$.Missing)", `{}`, "The JSONPath '$$.Missing' could not be found in the context object"},
		{"States.Array($nope)", `{}`, "The variable '$nope' is not defined"},
		{"States.Array($obj.b)", `{}`, "The JSONPath '$obj.b' could not be found in the variable '{\"a\":[10,20]}'"},
		// a failing argument stops the call
		{"States.Array(States.MathAdd('a', 1), $.missing)", `{}`, "Invalid arguments in States.MathAdd"},
	}
	for _, tt := range tests {
		_, err := eval(t, tt.src, tt.input)
		var f *failure.Error
		require.ErrorAs(t, err, &f, tt.src)
		require.Equal(t, failure.Runtime, f.Name, tt.src)
		require.Contains(t, f.Cause, tt.cause, tt.src)
	}
}

func TestEvalPathNotFound(t *testing.T) {
	t.Parallel()
	c, err := Parse("States.Format('{}', $.a.b)")
	require.NoError(t, err)
	_, err = c.Eval(Env{Input: map[string]any{"a": map[string]any{}}, Field: "value.$"})
	var f *failure.Error
	require.ErrorAs(t, err, &f)
	require.Equal(t, failure.Runtime, f.Name)
	require.Equal(t, `The JSONPath '$.a.b' specified for the field 'value.$' could not be found in the input '{"a":{}}'`, f.Cause)
	require.True(t, errors.Is(err, jsonpath.ErrNotFound))
}

func TestEvalNilEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src   string
		cause string
	}{
		{"States.UUID()", "States.UUID has no source of randomness"},
		{"States.MathRandom(1, 10)", "States.MathRandom has no source of randomness"},
		{"States.Array($$.Execution.Input)", "could not be found in the context object 'null'"},
		{"States.Array($x)", "The variable '$x' is not defined"},
	}
	for _, tt := range tests {
		c, err := Parse(tt.src)
		require.NoError(t, err)
		_, err = c.Eval(Env{})
		var f *failure.Error
		require.ErrorAs(t, err, &f, tt.src)
		require.Contains(t, f.Cause, tt.cause, tt.src)
	}
	// A seed makes MathRandom independent of Env.Rand.
	c, err := Parse("States.MathRandom(1, 10, 42)")
	require.NoError(t, err)
	_, err = c.Eval(Env{})
	require.NoError(t, err)
}

func TestMathRandom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src        string
		start, end int64
	}{
		{"States.MathRandom(1, 999)", 1, 999},
		{"States.MathRandom(-1000000, 1000000)", -1000000, 1000000},
		{"States.MathRandom(1.6, 5.4)", 1, 5},
		{"States.MathRandom(12.5, 44.51)", 12, 44},
		{"States.MathRandom(2147483640, 2147483647, 1)", 2147483640, 2147483647},
		{"States.MathRandom(1, 2)", 1, 2},
		{"States.MathRandom(1, 10, -10)", 1, 10},
		{"States.MathRandom(1, 10, 2.6)", 1, 10},
	}
	r := rand.New(rand.NewPCG(7, 8))
	for _, tt := range tests {
		c, err := Parse(tt.src)
		require.NoError(t, err)
		for range 200 {
			v, err := c.Eval(Env{Rand: r})
			require.NoError(t, err)
			n, ok := v.(int64)
			require.True(t, ok, "%s gave %T", tt.src, v)
			require.GreaterOrEqual(t, n, tt.start, tt.src)
			require.Less(t, n, tt.end, tt.src)
		}
	}
}

func TestMathRandomSeeded(t *testing.T) {
	t.Parallel()
	c, err := Parse("States.Array(States.MathRandom(1, 1000, 42), States.MathRandom(1, 1000, 42), States.MathRandom(1, 1000, 43))")
	require.NoError(t, err)
	a, err := c.Eval(Env{Rand: rand.New(rand.NewPCG(1, 1))})
	require.NoError(t, err)
	b, err := c.Eval(Env{Rand: rand.New(rand.NewPCG(2, 2))})
	require.NoError(t, err)
	got := a.([]any)
	require.Equal(t, got[0], got[1])
	require.Equal(t, a, b)
}

func TestUUID(t *testing.T) {
	t.Parallel()
	c, err := Parse("States.UUID()")
	require.NoError(t, err)
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	r := rand.New(rand.NewPCG(3, 4))
	seen := map[any]bool{}
	for range 100 {
		v, err := c.Eval(Env{Rand: r})
		require.NoError(t, err)
		require.Regexp(t, v4, v)
		require.False(t, seen[v])
		seen[v] = true
	}
	// The same source gives the same UUID.
	a, _ := c.Eval(Env{Rand: rand.New(rand.NewPCG(5, 6))})
	b, _ := c.Eval(Env{Rand: rand.New(rand.NewPCG(5, 6))})
	require.Equal(t, a, b)
}

// TestEvalDoesNotChangeItsInput evaluates the functions that build on
// parts of their input and checks that the input is intact.
func TestEvalDoesNotChangeItsInput(t *testing.T) {
	t.Parallel()
	const text = `{"a":[1,2,3,4,5],"o":{"x":{"y":1}},"p":{"x":2},"s":"a,b"}`
	input := jsonvalue.MustDecode(text)
	srcs := []string{
		"States.ArrayPartition($.a, 2)",
		"States.ArrayUnique($.a)",
		"States.Array($.a, $.o)",
		"States.JsonMerge($.o, $.p, false)",
		"States.StringSplit($.s, ',')",
		"States.Format('{} {}', $.a, $.o)",
	}
	for _, src := range srcs {
		c, err := Parse(src)
		require.NoError(t, err)
		_, err = c.Eval(Env{Input: input})
		require.NoError(t, err)
	}
	require.True(t, jsonvalue.Equal(jsonvalue.MustDecode(text), input))
}

// TestArrayPartitionChunksAreCapped checks that appending to a chunk cannot
// write into the array it came from.
func TestArrayPartitionChunksAreCapped(t *testing.T) {
	t.Parallel()
	v, err := eval(t, "States.ArrayPartition($.a, 2)", `{"a":[1,2,3,4,5]}`)
	require.NoError(t, err)
	for _, chunk := range v.([]any) {
		c := chunk.([]any)
		require.Equal(t, len(c), cap(c))
	}
}
