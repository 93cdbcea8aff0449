package check

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckJSONataValid(t *testing.T) {
	t.Parallel()
	valid := []string{
		// literals
		`42`, `-7.25`, `6.02e23`, `1E-9`, `"double"`, `'single'`, `"esc \" \\ \/ \b \f \n \r \t \u00e9"`, `true`, `null`,
		`[]`, `{}`, `[1, "two", [3], {"four": 4}]`, `{"a": 1, 'b': [2], "c": {"d": null}}`,
		// paths, wildcards, parent, descendants
		`$states.input.order.items`, `order.items[0].price`, `items[-1]`, `items[price > 10 and qty < 3]`,
		`items[]`, `$.field`, `$$.field`, `order.*`, `**.id`, `items.%.name`, "`field with spaces`.value",
		`items[[0..2]]`, `items#$i[$i < 2]`, `orders@$o.items@$it[$o.id = $it.orderId]`,
		// operators
		`1 + 2 * 3 - 4 / 5 % 6`, `-(1 + 2)`, `"a" & "b" & 3`, `a = b`, `a != b`, `a < b or a <= b and a > b`, `a >= b`,
		`$x in [1, 2, 3]`, `[1..10]`, `[1..3, 5, 7..9]`, `$a ? $b : $c`, `$a ? $b`, `$a ? ($b ? 1 : 2) : 3`,
		`$v ?: "default"`, `$v ?? "default"`, `$string(5) ~> $length()`, `items ~> $map(function($i) { $i * 2 })`,
		// functions, lambdas, partial application, chains
		`$sum(items.(price * qty))`, `$count([])`, `$merge([$states.input.a, $states.input.b])`,
		`function($x, $y) { $x + $y }(1, 2)`, `λ($x) { $x }`, `function($s)<s:s> { $uppercase($s) }`,
		`$substringAfter(?, "@")`, `$trim ~> $lowercase`, `$f := function($n) { $n <= 1 ? 1 : $n * $f($n - 1) }`,
		// blocks and bindings
		`()`, `(1; 2; 3)`, `(1; 2;)`, `($a := 1; $b := $a + 1; $a * $b)`, `items.($p := price; $p * 2)`,
		// grouping, sorting, transform
		`items{category: $sum(price)}`, `items^(price)`, `items^(>price, <name)`, `items^(price).name`,
		`$ ~> |items|{"total": price * qty}, ["tmp"]|`, `$ ~> |items|{}|`,
		// regular expressions and comments
		`$match(s, /^[a-z]+\/[0-9]{2,}$/i)`, `$split("a,b", /,/)`, `$contains(s, /a(b|c)\)/)`, `items[name ~> /x/]`,
		`/* comment */ 1 + /* another */ 2`, `10 / 2`, `a/b`,
		// Step Functions extensions are ordinary function calls
		`$partition([1, 2, 3], 2)`, `$range(1, 10, 2)`, `$hash("x", "SHA-256")`, `$random()`, `$uuid()`, `$parse("{}")`,
	}
	for _, src := range valid {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, checkJSONata(src))
		})
	}
}

func TestCheckJSONataInvalid(t *testing.T) {
	t.Parallel()
	invalid := []string{
		``, `   `, `10 + * 2`, `$sum($states.input.items`, `(1; 2`, `[1, 2`, `[1, 2)`, `{"a": }`, `{"a" 1}`,
		`{"a": 1,}`, `$f(1,)`, `$f(1 2)`, `1 2`, `a b`, `1 +`, `1 =`, `a.`, `420.`, `a[`, `a]`, `)`, `@`, `@ x`,
		`a ? `, `$x :=`, `"unterminated`, `'bad \q escape'`, `"\u12"`, "`no closing backtick", `/unclosed`,
		`/* unclosed comment`, `function(x) { x }`, `function($x { $x }`, `function($x)<s { $x }`,
		`function($a,) { 1 }`, `items^(`, `items^price`, `a.[`, `[1!2]`, `5 => 5`, `f(:)`, `a;`, `10e1000`,
		`| a | b`, `items#i`,
	}
	for _, src := range invalid {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			require.Error(t, checkJSONata(src))
		})
	}
}

func FuzzCheckJSONata(f *testing.F) {
	for _, s := range []string{`$sum(a.b[0])`, `($x := 1; $x ? "a" : /b+/i)`, `{"a": [1..2]}`, "`q`.%", `function($x)<n:n>{$x}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_ = checkJSONata(src) // must not panic or loop
	})
}
