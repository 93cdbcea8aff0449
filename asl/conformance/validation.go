package conformance

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/stepwise-run/stepwise/asl"
)

// Fixture is one validation fixture and the verdict on it.
type Fixture struct {
	Path        string
	WantValid   bool
	Diagnostics []asl.Diagnostic
}

// Right reports whether the validator classified the fixture correctly.
func (f Fixture) Right() bool { return f.WantValid == (len(f.Diagnostics) == 0) }

// Validation validates every fixture under dir/valid and dir/invalid.
func Validation(dir string) ([]Fixture, error) {
	var out []Fixture
	for _, kind := range []string{"valid", "invalid"} {
		files, err := filepath.Glob(filepath.Join(dir, kind, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			out = append(out, Fixture{Path: f, WantValid: kind == "valid", Diagnostics: asl.Validate(data)})
		}
	}
	return out, nil
}

// ValidationScore counts valid fixtures accepted and invalid ones rejected.
type ValidationScore struct {
	ValidAccepted, Valid     int
	InvalidRejected, Invalid int
}

// ScoreValidation tallies fixtures.
func ScoreValidation(fixtures []Fixture) ValidationScore {
	var s ValidationScore
	for _, f := range fixtures {
		if f.WantValid {
			s.Valid++
			if f.Right() {
				s.ValidAccepted++
			}
		} else {
			s.Invalid++
			if f.Right() {
				s.InvalidRejected++
			}
		}
	}
	return s
}

// WriteValidation prints each misclassified fixture, the scores and the
// closing line "N passed, N failed".
func WriteValidation(w io.Writer, fixtures []Fixture) {
	passed := 0
	for _, f := range fixtures {
		if f.Right() {
			passed++
			continue
		}
		if f.WantValid {
			fmt.Fprintf(w, "FAIL %s: valid but rejected: %v\n", f.Path, f.Diagnostics)
		} else {
			fmt.Fprintf(w, "FAIL %s: invalid but accepted\n", f.Path)
		}
	}
	s := ScoreValidation(fixtures)
	fmt.Fprintf(w, "valid accepted: %d/%d; invalid rejected: %d/%d\n", s.ValidAccepted, s.Valid, s.InvalidRejected, s.Invalid)
	fmt.Fprintf(w, "%d passed, %d failed\n", passed, len(fixtures)-passed)
}
