package check

import (
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// choiceRule checks the paths and timestamps of a JSONPath choice rule and
// of the rules nested in it.
func (c *checker) choiceRule(r any, at string) {
	rule, ok := r.(map[string]any)
	if !ok {
		return
	}
	for _, k := range jsonvalue.SortedKeys(rule) {
		switch {
		case k == "Variable" || strings.HasSuffix(k, "Path"):
			c.pathField(rule, at, k, referencePath)
		case strings.HasPrefix(k, "Timestamp"):
			c.timestampField(rule, at, k)
		case k == "Assign":
			c.template(rule[k], join(at, k))
		case k == "And" || k == "Or":
			list, _ := rule[k].([]any)
			for i, sub := range list {
				c.choiceRule(sub, join(at, k, i))
			}
		case k == "Not":
			c.choiceRule(rule[k], join(at, k))
		}
	}
}
