package asl_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stepwise-run/stepwise/asl"
)

// FuzzParse feeds arbitrary definitions to Parse and Validate: neither may
// panic, and a definition Validate accepts must parse (or be reported as
// unsupported).
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "examples", "*", "*.asl.json"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(single(`{"Type":"Pass","Parameters":{"a.$":"States.Format('{}', $.x)"},"End":true}`)))
	f.Add([]byte(single(`{"Type":"Choice","Choices":[{"Variable":"$.v","StringMatches":"a*\\*","Next":"S"}],"Default":"S"}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		var diags []asl.Diagnostic
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			diags = asl.Validate(data)
			_, err = asl.Parse(data)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			panic(fmt.Sprintf("Validate/Parse took over 5 s on %q", data))
		}
		if len(diags) == 0 && err != nil {
			var pe *asl.ParseError
			if !asAs(err, &pe) || pe.Code != asl.CodeUnsupported {
				t.Fatalf("Validate accepted a definition Parse rejects: %v", err)
			}
		}
	})
}
