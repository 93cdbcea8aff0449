package jsonata

// SuiteCases reads the official suite for the differential test.
var SuiteCases = suiteCases
