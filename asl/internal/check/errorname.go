package check

// statesAll is the wildcard error name.
const statesAll = "States.ALL"

// errorNames checks the ErrorEquals lists of the retriers and catchers of
// state s: States.ALL stands alone and only in the last one. Other names,
// including unknown ones that start with "States." (which AWS accepts and
// a Fail state or a task may raise), match only themselves.
func (c *checker) errorNames(s map[string]any, at string) {
	for _, field := range []string{"Retry", "Catch"} {
		list, _ := s[field].([]any)
		for i, item := range list {
			obj, _ := item.(map[string]any)
			names, _ := obj["ErrorEquals"].([]any)
			c.errorList(names, join(at, field, i), i == len(list)-1)
		}
	}
}

// errorList checks one ErrorEquals list; last says whether its retrier or
// catcher is the last of its field.
func (c *checker) errorList(names []any, at string, last bool) {
	for j, v := range names {
		name, _ := v.(string)
		p := join(at, "ErrorEquals", j)
		switch {
		case name == statesAll && len(names) > 1:
			c.report(CodeStatesAllNotAlone, p, "%s: %s must be the only error name in its ErrorEquals", describe(p), statesAll)
		case name == statesAll && !last:
			c.report(CodeStatesAllNotLast, p, "%s: %s may appear only in the last retrier or catcher", describe(p), statesAll)
		}
	}
}
