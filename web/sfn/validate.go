package sfn

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Request validation, in AWS's words. Each check of a field answers a
// *violation (or nil); a handler joins its checks with errors.Join, and
// the protocol layer answers every violation of the request at once, as
// AWS does: "2 validation errors detected: Value 'x' at 'name' failed to
// satisfy constraint: Member must have length less than or equal to 80;
// Value null at 'definition' failed to satisfy constraint: Member must
// not be null" (a ValidationException). Field paths are the request's
// camelCase names, list members "tags.2.member.key".

// violation is one constraint of AWS's service model that a request field
// fails.
type violation struct {
	// path is where the field is, value its value (nil: absent).
	path  string
	value *string
	// hidden leaves the value out of the message, as AWS does for
	// sensitive fields (definitions, inputs, outputs, errors, causes).
	hidden     bool
	constraint string
}

// Error is AWS's description of the violation.
func (v *violation) Error() string {
	switch {
	case v.value == nil:
		return fmt.Sprintf("Value null at '%s' failed to satisfy constraint: %s", v.path, v.constraint)
	case v.hidden:
		return fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", v.path, v.constraint)
	}
	return fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", *v.value, v.path, v.constraint)
}

// violationsIn returns the violations err holds, in order, through
// wrapping and errors.Join.
func violationsIn(err error) []*violation {
	var v *violation
	switch e := err.(type) {
	case nil:
		return nil
	case interface{ Unwrap() []error }:
		var out []*violation
		for _, inner := range e.Unwrap() {
			out = append(out, violationsIn(inner)...)
		}
		return out
	}
	if errors.As(err, &v) {
		return []*violation{v}
	}
	return nil
}

// validationMessage is AWS's message for a request's violations.
func validationMessage(vs []*violation) string {
	texts := make([]string, len(vs))
	for i, v := range vs {
		texts[i] = v.Error()
	}
	noun := "errors"
	if len(vs) == 1 {
		noun = "error"
	}
	return fmt.Sprintf("%d validation %s detected: %s", len(vs), noun, strings.Join(texts, "; "))
}

// required checks that a request field is present and not empty.
func required(field string, v *string) error {
	if v == nil {
		return &violation{path: field, constraint: "Member must not be null"}
	}
	return minLength(field, v, 1)
}

// requiredList checks that a list field is present.
func requiredList[T any](field string, v []T) error {
	if v == nil {
		return &violation{path: field, constraint: "Member must not be null"}
	}
	return nil
}

// maxLength checks a request field's length limit, in characters.
func maxLength(field string, v *string, limit int) error {
	if v != nil && utf8.RuneCountInString(*v) > limit {
		return &violation{path: field, value: v, constraint: fmt.Sprintf("Member must have length less than or equal to %d", limit)}
	}
	return nil
}

// minLength checks a request field's least length, in characters.
func minLength(field string, v *string, limit int) error {
	if v != nil && utf8.RuneCountInString(*v) < limit {
		return &violation{path: field, value: v, constraint: fmt.Sprintf("Member must have length greater than or equal to %d", limit)}
	}
	return nil
}

// sensitive leaves the values of the violations of err out of their
// messages.
func sensitive(err error) error {
	for _, v := range violationsIn(err) {
		v.hidden = true
	}
	return err
}

// oneOf checks that a request field, when given (not empty), is one of
// an enumeration's values.
func oneOf(field, v string, values ...string) error {
	if v == "" {
		return nil
	}
	for _, allowed := range values {
		if v == allowed {
			return nil
		}
	}
	return &violation{path: field, value: &v, constraint: "Member must satisfy enum value set: [" + strings.Join(values, ", ") + "]"}
}

// inRange checks a number field's bounds.
func inRange(field string, n, least, most int) error {
	text := fmt.Sprint(n)
	switch {
	case n < least:
		return &violation{path: field, value: &text, constraint: fmt.Sprintf("Member must have value greater than or equal to %d", least)}
	case n > most:
		return &violation{path: field, value: &text, constraint: fmt.Sprintf("Member must have value less than or equal to %d", most)}
	}
	return nil
}

// Limits of AWS's service model.
const (
	maxName        = 80      // state machine, execution, activity and alias names
	maxARN         = 256     // every ARN field
	maxDefinition  = 1 << 20 // a definition, in characters
	maxPayload     = 262144  // an input or output
	maxDescription = 256     // versionDescription, a version's or alias's description
	maxTaskToken   = 2048
	maxErrorLength = 256
	maxCauseLength = 32768
)

// definitionField checks a definition field: present (when must) and
// within AWS's length, its value never in a message.
func definitionField(field string, v *string, must bool) error {
	present := minLength(field, v, 1)
	if must {
		present = required(field, v)
	}
	return sensitive(errors.Join(present, maxLength(field, v, maxDefinition)))
}

// nameField checks a name field: present and at most 80 characters (its
// characters are the engine's to judge: InvalidName).
func nameField(field string, v *string) error {
	return errors.Join(required(field, v), maxLength(field, v, maxName))
}

// pageSize reads a maxResults: 0 means def, anything outside 0..max is a
// violation.
func pageSize(maxResults, def, max int) (int, error) {
	if err := inRange("maxResults", maxResults, 0, max); err != nil {
		return 0, err
	}
	if maxResults == 0 {
		return def, nil
	}
	return maxResults, nil
}
