package check

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
	"github.com/stepwise-run/stepwise/internal/testkit"
)

// conformance is the shared corpus of definitions.
var conformance = testkit.Corpus()

// minInvalidRejected is the share of invalid fixtures that must be
// rejected.
const minInvalidRejected = 0.95

// validate runs both layers over def.
func validate(def any) []Diagnostic {
	return append(Schema(def), Semantic(def)...)
}

func readDefinition(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	def, err := jsonvalue.Decode(data)
	require.NoError(t, err, path)
	return def
}

func corpusFiles(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(conformance, pattern))
	require.NoError(t, err)
	if len(files) == 0 {
		t.Skipf("conformance corpus not found at %s", conformance)
	}
	return files
}

// TestCorpusValidAccepted checks that every valid fixture is accepted.
func TestCorpusValidAccepted(t *testing.T) {
	t.Parallel()
	files := corpusFiles(t, "validation/valid/*.json")
	accepted := 0
	for _, f := range files {
		if ds := validate(readDefinition(t, f)); len(ds) > 0 {
			t.Errorf("%s: valid definition rejected:\n%s", filepath.Base(f), listDiagnostics(ds))
			continue
		}
		accepted++
	}
	t.Logf("valid accepted: %d/%d", accepted, len(files))
}

// TestCorpusInvalidRejected checks that enough invalid fixtures are
// rejected, and logs what each one was rejected for.
func TestCorpusInvalidRejected(t *testing.T) {
	t.Parallel()
	files := corpusFiles(t, "validation/invalid/*.json")
	rejected := 0
	for _, f := range files {
		ds := validate(readDefinition(t, f))
		if len(ds) == 0 {
			t.Logf("%s: invalid definition accepted", filepath.Base(f))
			continue
		}
		rejected++
		t.Logf("%s: rejected:\n%s", filepath.Base(f), listDiagnostics(ds))
	}
	t.Logf("invalid rejected: %d/%d", rejected, len(files))
	require.GreaterOrEqual(t, float64(rejected)/float64(len(files)), minInvalidRejected)
}

// TestCorpusCaseDefinitionsAccepted checks the definitions of the
// execution cases: AWS ran them all, so they must all be accepted.
func TestCorpusCaseDefinitionsAccepted(t *testing.T) {
	t.Parallel()
	files := caseFiles(t)
	accepted := 0
	for _, f := range files {
		c, ok := readDefinition(t, f).(map[string]any)
		require.True(t, ok, f)
		if ds := validate(c["definition"]); len(ds) > 0 {
			t.Errorf("%s: definition AWS ran was rejected:\n%s", f, listDiagnostics(ds))
			continue
		}
		accepted++
	}
	t.Logf("case definitions accepted: %d/%d", accepted, len(files))
}

// caseFiles lists the JSON files under cases/, at any depth.
func caseFiles(t *testing.T) []string {
	t.Helper()
	root := filepath.Join(conformance, "cases")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("conformance corpus not found at %s", root)
	}
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			files = append(files, path)
		}
		return err
	})
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

func listDiagnostics(ds []Diagnostic) string {
	s := ""
	for _, d := range ds {
		s += "    " + d.String() + "\n"
	}
	return s
}
