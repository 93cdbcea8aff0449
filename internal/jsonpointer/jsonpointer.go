// Package jsonpointer builds JSON pointers (RFC 6901), the locations that
// errors about JSON documents name.
package jsonpointer

import "strings"

var escaper = strings.NewReplacer("~", "~0", "/", "~1")

// Escape makes key a pointer token: ~ becomes ~0 and / becomes ~1.
func Escape(key string) string { return escaper.Replace(key) }

// Append is the pointer to member key of the value at pointer at.
func Append(at, key string) string { return at + "/" + Escape(key) }
