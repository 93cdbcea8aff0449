// Package arn parses and formats Amazon Resource Names: the general
// six-field form, and the Step Functions resources Stepwise names (state
// machines with their versions and aliases, executions, activities) in any
// partition. It is the one place that knows an ARN's layout.
package arn

import (
	"fmt"
	"strconv"
	"strings"
)

// ARN is an Amazon Resource Name split into its six fields. Resource is
// everything after the account and may hold colons.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// Parse splits s into its fields. It fails when s does not start with
// "arn:", has fewer than six colon-separated fields, or names a partition
// other than aws or aws-*.
func Parse(s string) (ARN, error) {
	a, ok := split(s)
	if !ok {
		return ARN{}, fmt.Errorf("%q is not an ARN: an ARN has six colon-separated fields: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE", s)
	}
	if !validPartition(a.Partition) {
		return ARN{}, fmt.Errorf("%q is not an ARN: partition %q is not aws or aws-*", s, a.Partition)
	}
	return a, nil
}

// split cuts s into an ARN's fields without allocating.
func split(s string) (ARN, bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	var f [4]string
	for i := range f {
		if !ok {
			return ARN{}, false
		}
		f[i], rest, ok = strings.Cut(rest, ":")
	}
	return ARN{Partition: f[0], Service: f[1], Region: f[2], Account: f[3], Resource: rest}, ok
}

// validPartition reports whether p is aws or aws-WORD[-WORD...], WORD
// being lowercase letters.
func validPartition(p string) bool {
	rest, ok := strings.CutPrefix(p, "aws")
	if !ok {
		return false
	}
	prev := byte(0)
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case c == '-' && prev != '-':
		case c >= 'a' && c <= 'z' && i > 0:
		default:
			return false
		}
		prev = c
	}
	return prev != '-'
}

// IsActivity reports whether s is an activity ARN
// (arn:PARTITION:states:REGION:ACCOUNT:activity:NAME), without allocating.
func IsActivity(s string) bool {
	a, ok := split(s)
	name, isActivity := strings.CutPrefix(a.Resource, "activity:")
	return ok && validPartition(a.Partition) && a.Service == "states" && isActivity &&
		name != "" && !strings.Contains(name, ":")
}

// String formats the ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// Is reports whether s looks like an ARN (starts with "arn:") rather than a
// bare name.
func Is(s string) bool { return strings.HasPrefix(s, "arn:") }

// Space is where Step Functions resources live: a partition, a region and
// an account. The zero Partition means "aws".
type Space struct {
	Partition, Region, Account string
}

func (s Space) states(resource ...string) string {
	p := s.Partition
	if p == "" {
		p = "aws"
	}
	return ARN{Partition: p, Service: "states", Region: s.Region, Account: s.Account, Resource: strings.Join(resource, ":")}.String()
}

// StateMachine returns the ARN of the state machine name.
func (s Space) StateMachine(name string) string { return s.states("stateMachine", name) }

// Version returns the ARN of version v of the state machine name.
func (s Space) Version(name string, v int) string {
	return s.states("stateMachine", name, strconv.Itoa(v))
}

// Alias returns the ARN of the alias of the state machine name.
func (s Space) Alias(name, alias string) string { return s.states("stateMachine", name, alias) }

// Execution returns the ARN of the execution name of the state machine
// machine.
func (s Space) Execution(machine, name string) string { return s.states("execution", machine, name) }

// Express returns the ARN of an Express execution:
// arn:P:states:R:A:express:MACHINE:NAME:ID, without ":ID" when id is empty.
func (s Space) Express(machine, name, id string) string {
	if id == "" {
		return s.states("express", machine, name)
	}
	return s.states("express", machine, name, id)
}

// Activity returns the ARN of the activity name.
func (s Space) Activity(name string) string { return s.states("activity", name) }

// Role returns the IAM role ARN placed where AWS names a state machine's
// role (Stepwise runs no role).
func (s Space) Role(name string) string {
	p := s.Partition
	if p == "" {
		p = "aws"
	}
	return ARN{Partition: p, Service: "iam", Account: s.Account, Resource: "role/" + name}.String()
}

// StateMachine is a parsed state machine ARN, qualified by a version or an
// alias or neither.
type StateMachine struct {
	Space
	Name string
	// Version is the version number of a version ARN; 0 otherwise.
	Version int
	// Alias is the alias name of an alias ARN; empty otherwise.
	Alias string
}

// String formats the state machine ARN, with its qualifier.
func (m StateMachine) String() string {
	switch {
	case m.Version > 0:
		return m.Space.Version(m.Name, m.Version)
	case m.Alias != "":
		return m.Space.Alias(m.Name, m.Alias)
	}
	return m.Space.StateMachine(m.Name)
}

// Unqualified returns the ARN of the state machine without its version or
// alias.
func (m StateMachine) Unqualified() string { return m.Space.StateMachine(m.Name) }

// ParseStateMachine parses arn:P:states:R:A:stateMachine:NAME[:QUALIFIER],
// where a numeric qualifier is a version and any other an alias.
func ParseStateMachine(s string) (StateMachine, error) {
	a, fields, err := parseStates(s, "stateMachine", 1, 2)
	if err != nil {
		return StateMachine{}, err
	}
	m := StateMachine{Space: a, Name: fields[0]}
	if len(fields) == 2 {
		if v, err := strconv.Atoi(fields[1]); err == nil {
			if v < 1 {
				return StateMachine{}, fmt.Errorf("%q is not a state machine ARN: version %d is not 1 or more", s, v)
			}
			m.Version = v
		} else {
			m.Alias = fields[1]
		}
	}
	return m, nil
}

// Execution is a parsed execution ARN. Express executions have the
// resource type "express" instead of "execution", and AWS adds an
// execution id after the name: express:MACHINE:NAME:ID.
type Execution struct {
	Space
	Machine, Name string
	Express       bool
	// ID is an Express execution's id; empty in a Standard execution's
	// ARN (and in an Express one written without it).
	ID string
}

// String formats the execution ARN.
func (e Execution) String() string {
	if e.Express {
		return e.Space.Express(e.Machine, e.Name, e.ID)
	}
	return e.Space.Execution(e.Machine, e.Name)
}

// StateMachine returns the ARN of the execution's state machine.
func (e Execution) StateMachine() string { return e.Space.StateMachine(e.Machine) }

// ParseExecution parses arn:P:states:R:A:execution:MACHINE:NAME, or an
// Express execution's express:MACHINE:NAME:ID (or express:MACHINE:NAME).
func ParseExecution(s string) (Execution, error) {
	typ, most := "execution", 2
	if a, err := Parse(s); err == nil && strings.HasPrefix(a.Resource, "express:") {
		typ, most = "express", 3
	}
	a, fields, err := parseStates(s, typ, 2, most)
	if err != nil {
		return Execution{}, err
	}
	e := Execution{Space: a, Machine: fields[0], Name: fields[1], Express: typ == "express"}
	if len(fields) == 3 {
		e.ID = fields[2]
	}
	return e, nil
}

// Activity is a parsed activity ARN.
type Activity struct {
	Space
	Name string
}

// String formats the activity ARN.
func (a Activity) String() string { return a.Space.Activity(a.Name) }

// ParseActivity parses arn:P:states:R:A:activity:NAME.
func ParseActivity(s string) (Activity, error) {
	a, fields, err := parseStates(s, "activity", 1, 1)
	if err != nil {
		return Activity{}, err
	}
	return Activity{Space: a, Name: fields[0]}, nil
}

// Name returns the resource name in nameOrARN: nameOrARN itself when it is
// not an ARN, else the name field of a state machine (without its
// qualifier), execution or activity ARN. It returns "" for an ARN of
// another kind.
func Name(nameOrARN string) string {
	if !Is(nameOrARN) {
		return nameOrARN
	}
	if m, err := ParseStateMachine(nameOrARN); err == nil {
		return m.Name
	}
	if e, err := ParseExecution(nameOrARN); err == nil {
		return e.Name
	}
	if a, err := ParseActivity(nameOrARN); err == nil {
		return a.Name
	}
	return ""
}

// parseStates parses a Step Functions ARN whose resource is typ followed by
// between min and max non-empty colon-separated fields.
func parseStates(s, typ string, min, max int) (Space, []string, error) {
	a, err := Parse(s)
	if err != nil {
		return Space{}, nil, err
	}
	fields := strings.Split(a.Resource, ":")
	n := len(fields) - 1
	if a.Service != "states" || fields[0] != typ || n < min || n > max {
		return Space{}, nil, fmt.Errorf("%q is not %s ARN (arn:PARTITION:states:REGION:ACCOUNT:%s:%s)", s, article(typ), typ, layout(typ))
	}
	for _, f := range fields[1:] {
		if f == "" {
			return Space{}, nil, fmt.Errorf("%q is not %s ARN: a field is empty", s, article(typ))
		}
	}
	return Space{Partition: a.Partition, Region: a.Region, Account: a.Account}, fields[1:], nil
}

func article(typ string) string {
	switch typ {
	case "execution", "express", "activity":
		return "an " + typ
	case "mapRun":
		return "a Map run"
	}
	return "a state machine"
}

func layout(typ string) string {
	switch typ {
	case "stateMachine":
		return "NAME[:VERSION|:ALIAS]"
	case "activity":
		return "NAME"
	case "mapRun":
		return "MACHINE/LABEL:ID"
	}
	return "MACHINE:NAME"
}

// CutTestCase splits a state machine name or ARN written as Step
// Functions Local selects a mock configuration's test case,
// MACHINE#TESTCASE, into the machine and the test case; found is false
// when s has no '#'.
func CutTestCase(s string) (machine, testCase string, found bool) {
	i := strings.LastIndexByte(s, '#')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// MapRun returns the ARN of a Distributed Map's Map run:
// arn:P:states:R:A:mapRun:MACHINE/LABEL:ID.
func (s Space) MapRun(machine, label, id string) string {
	return s.states("mapRun", machine+"/"+label, id)
}

// MapChild returns the ARN of a Map run's child execution name:
// arn:P:states:R:A:execution:MACHINE/LABEL:NAME (its state machine ARN,
// as AWS reports it, is arn:P:states:R:A:stateMachine:MACHINE/LABEL).
func (s Space) MapChild(machine, label, name string) string {
	return s.states("execution", machine+"/"+label, name)
}

// IsMapRun reports whether s is shaped as a Map run ARN.
func IsMapRun(s string) bool {
	_, _, err := parseStates(s, "mapRun", 2, 2)
	return err == nil
}
