// Package mockconfig reads Step Functions Local's mock configuration: the
// file that names, per state machine, test cases whose Task states answer
// from mocked responses instead of calling their resource.
//
// The format is AWS's, unchanged:
//
//	{
//	  "StateMachines": {
//	    "MACHINE": {"TestCases": {"CASE": {"STATE": "RESPONSE", ...}}}
//	  },
//	  "MockedResponses": {
//	    "RESPONSE": {
//	      "0":   {"Return": VALUE},
//	      "1-2": {"Throw": {"Error": "NAME", "Cause": "TEXT"}}
//	    }
//	  }
//	}
//
// A response's keys are the invocations it answers, counted from 0 per
// state and per execution (each retry is an invocation): one number or
// an inclusive range. A state in a test case may be any Task state of the
// machine, inside a Parallel branch or a Map iteration too, named as in
// the definition. An invocation no key covers is an error of the run
// (States.Runtime), so a test never passes on an answer it did not state.
//
// Parse refuses a malformed configuration with the JSON pointer of the
// problem. A Source holds the configuration a process serves and reloads
// it (on SIGHUP, in cmd/stepwise) without dropping the one in use when the
// new file is bad.
package mockconfig
