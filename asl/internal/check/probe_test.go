package check

import (
	"os"
	"strings"
	"testing"
)

func TestProbe(t *testing.T) {
	for _, f := range []string{"/tmp/probe/ok.txt", "/tmp/probe/bad.txt"} {
		data, _ := os.ReadFile(f)
		for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
			err := checkJSONata(line)
			if (err == nil) != strings.HasSuffix(f, "ok.txt") {
				t.Errorf("%s: %q: %v", f, line, err)
			}
		}
	}
}
