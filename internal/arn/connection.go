package arn

import (
	"fmt"
	"strings"
)

// Connection returns the ARN of the EventBridge connection name with the
// unique id id: arn:PARTITION:events:REGION:ACCOUNT:connection/NAME/ID.
func (s Space) Connection(name, id string) string {
	p := s.Partition
	if p == "" {
		p = "aws"
	}
	return ARN{Partition: p, Service: "events", Region: s.Region, Account: s.Account, Resource: "connection/" + name + "/" + id}.String()
}

// ConnectionRef is a reference to a connection: its name, and the id an
// ARN gives (empty for a bare name or an ARN without one).
type ConnectionRef struct {
	Name, ID string
}

// ParseConnection reads a connection name or ARN
// (arn:PARTITION:events:REGION:ACCOUNT:connection/NAME[/ID]); the ARN's
// region and account are not checked.
func ParseConnection(s string) (ConnectionRef, error) {
	if !Is(s) {
		return ConnectionRef{Name: s}, nil
	}
	a, err := Parse(s)
	if err != nil {
		return ConnectionRef{}, err
	}
	rest, ok := strings.CutPrefix(a.Resource, "connection/")
	if a.Service != "events" || !ok {
		return ConnectionRef{}, fmt.Errorf("%q is not a connection ARN: a connection ARN is arn:PARTITION:events:REGION:ACCOUNT:connection/NAME/ID", s)
	}
	name, id, _ := strings.Cut(rest, "/")
	if name == "" || strings.Contains(id, "/") {
		return ConnectionRef{}, fmt.Errorf("%q is not a connection ARN: its resource must be connection/NAME/ID", s)
	}
	return ConnectionRef{Name: name, ID: id}, nil
}

// ConnectionID returns the id part of a connection ARN made by
// Space.Connection.
func ConnectionID(connectionARN string) string {
	ref, err := ParseConnection(connectionARN)
	if err != nil {
		return ""
	}
	return ref.ID
}
