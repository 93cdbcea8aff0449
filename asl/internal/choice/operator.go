package choice

import "strings"

// family groups the operators that share an operand type and a test.
type family uint8

const (
	familyString family = iota + 1
	familyNumeric
	familyBoolean
	familyTimestamp
	familyMatches
	familyIsNull
	familyIsPresent
	familyIsNumeric
	familyIsString
	familyIsBoolean
	familyIsTimestamp
)

// relation is the outcome a comparison requires of compare(variable, operand).
type relation uint8

const (
	relEquals relation = iota + 1
	relLess
	relGreater
	relLessEquals
	relGreaterEquals
)

// holds reports whether the sign of a three-way comparison satisfies r.
func (r relation) holds(c int) bool {
	switch r {
	case relEquals:
		return c == 0
	case relLess:
		return c < 0
	case relGreater:
		return c > 0
	case relLessEquals:
		return c <= 0
	case relGreaterEquals:
		return c >= 0
	}
	return false
}

// operator describes one comparison operator field of a rule.
type operator struct {
	family family
	rel    relation
	path   bool // the operand is a path (the …Path form)
}

// isTypeTest reports whether the operator only inspects the Variable value
// (the Is… operators), taking a boolean literal.
func (o operator) isTypeTest() bool { return o.family >= familyIsNull }

// typeTests are the Is… operators, by name.
var typeTests = map[string]family{
	"IsNull":      familyIsNull,
	"IsPresent":   familyIsPresent,
	"IsNumeric":   familyIsNumeric,
	"IsString":    familyIsString,
	"IsBoolean":   familyIsBoolean,
	"IsTimestamp": familyIsTimestamp,
}

// lookupOperator resolves the name of a comparison operator field.
func lookupOperator(name string) (operator, bool) {
	if f, ok := typeTests[name]; ok {
		return operator{family: f}, true
	}
	if name == "StringMatches" {
		return operator{family: familyMatches, rel: relEquals}, true
	}
	base, path := strings.CutSuffix(name, "Path")
	for _, p := range []struct {
		prefix string
		family family
	}{
		{"String", familyString},
		{"Numeric", familyNumeric},
		{"Boolean", familyBoolean},
		{"Timestamp", familyTimestamp},
	} {
		rest, ok := strings.CutPrefix(base, p.prefix)
		if !ok {
			continue
		}
		rel := relations[rest]
		if rel == 0 || (p.family == familyBoolean && rel != relEquals) {
			return operator{}, false
		}
		return operator{family: p.family, rel: rel, path: path}, true
	}
	return operator{}, false
}

// relations are the relations of comparison operators, by the suffix that
// names them.
var relations = map[string]relation{
	"Equals":            relEquals,
	"LessThan":          relLess,
	"GreaterThan":       relGreater,
	"LessThanEquals":    relLessEquals,
	"GreaterThanEquals": relGreaterEquals,
}
