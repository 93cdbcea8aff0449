package main

import "github.com/stepwise-run/stepwise/asl"

func decodeJSON(s string) (any, error) { return asl.DecodeJSON([]byte(s)) }

func encodeJSON(v any) string { return asl.EncodeJSON(v) }
