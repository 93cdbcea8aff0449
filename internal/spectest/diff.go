package spectest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// diffContext is how many unchanged lines a diff shows around a change.
const diffContext = 3

// maxDiffLines bounds the lines a diff compares line by line; longer
// texts are shown whole, removed then added.
const maxDiffLines = 2000

// indent renders v as JSON indented by two spaces, keys sorted.
func indent(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// op is one line of a diff: ' ' kept, '-' only expected, '+' only got.
type op struct {
	kind byte
	line string
}

// diff returns a unified-looking diff of two texts, "--- expected" and
// "+++ got", showing diffContext lines around each change; "@@ …" stands
// for unchanged lines left out.
func diff(expected, got string) []string {
	ops := diffLines(strings.Split(expected, "\n"), strings.Split(got, "\n"))
	out := []string{"--- expected", "+++ got"}
	last := -1
	for i, o := range ops {
		if !nearChange(ops, i) {
			continue
		}
		if i > last+1 {
			out = append(out, "@@ …")
		}
		out = append(out, string(o.kind)+" "+o.line)
		last = i
	}
	return out
}

// nearChange reports whether ops[i] is a change or within diffContext
// lines of one.
func nearChange(ops []op, i int) bool {
	for j := max(0, i-diffContext); j <= min(len(ops)-1, i+diffContext); j++ {
		if ops[j].kind != ' ' {
			return true
		}
	}
	return false
}

// diffLines aligns a and b on their longest common subsequence.
func diffLines(a, b []string) []op {
	if len(a) > maxDiffLines || len(b) > maxDiffLines {
		return append(lines('-', a), lines('+', b)...)
	}
	// lcs[i][j] is the length of the LCS of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []op
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			ops = append(ops, op{' ', a[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			ops = append(ops, op{'-', a[i]})
			i++
		default:
			ops = append(ops, op{'+', b[j]})
			j++
		}
	}
	return append(append(ops, lines('-', a[i:])...), lines('+', b[j:])...)
}

func lines(kind byte, ls []string) []op {
	ops := make([]op, len(ls))
	for i, l := range ls {
		ops[i] = op{kind, l}
	}
	return ops
}
