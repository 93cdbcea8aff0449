package check

import (
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Fields of a JSONata state whose values are never expressions, or are
// checked as machines of their own.
var notExpressionFields = map[string]bool{
	"Type": true, "Comment": true, "QueryLanguage": true, "Next": true, "End": true,
	"Default": true, "Resource": true, "Label": true, "Retry": true,
	"Branches": true, "ItemProcessor": true, "Iterator": true,
	"Choices": true, "Catch": true,
}

// jsonataState checks the expressions and timestamps of a JSONata state.
func (c *checker) jsonataState(s map[string]any, at string) {
	for _, k := range jsonvalue.SortedKeys(s) {
		if !notExpressionFields[k] {
			c.expressions(s[k], join(at, k))
		}
	}
	for _, list := range []string{"Choices", "Catch"} {
		items, _ := s[list].([]any)
		for i, item := range items {
			c.jsonataRuleOrCatcher(item, join(at, list, i))
		}
	}
	c.timestampField(s, at, "Timestamp")
}

// jsonataRuleOrCatcher checks the expressions of a JSONata choice rule or
// catcher (Condition, Output, Assign).
func (c *checker) jsonataRuleOrCatcher(v any, at string) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	for _, k := range jsonvalue.SortedKeys(obj) {
		if k != "Comment" && k != "Next" && k != "ErrorEquals" {
			c.expressions(obj[k], join(at, k))
		}
	}
}

// expressions checks every "{% %}" string in v.
func (c *checker) expressions(v any, at string) {
	switch t := v.(type) {
	case string:
		if !isExpression(t) {
			return
		}
		if err := checkJSONata(expressionBody(t)); err != nil {
			c.report(CodeInvalidJSONata, at, "%s: invalid JSONata expression %q: %v", describe(at), t, err)
		}
	case []any:
		for i, e := range t {
			c.expressions(e, join(at, i))
		}
	case map[string]any:
		for _, k := range jsonvalue.SortedKeys(t) {
			c.expressions(t[k], join(at, k))
		}
	}
}

// isExpression reports whether s is a JSONata expression: "{% ... %}".
func isExpression(s string) bool {
	return len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// expressionBody returns the JSONata text between "{%" and "%}".
func expressionBody(s string) string {
	return s[2 : len(s)-2]
}
