// Package procstat reads a process's /proc/PID/stat on Linux: its command
// name and the fields after it (state, parent, ..., user and system CPU
// time), for the benchmark's CPU readings and the test kit's process
// checks.
package procstat

import (
	"fmt"
	"os"
	"strings"
)

// Read returns the command name of process pid and the fields of its stat
// line after the name, numbered from 0 (0 is the state, 1 the parent, 11
// and 12 the user and system CPU time in clock ticks); ok is false when
// there is no such process or the line cannot be read.
func Read(pid int) (name string, fields []string, ok bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", nil, false
	}
	s := string(stat)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", nil, false
	}
	fields = strings.Fields(s[end+1:])
	if len(fields) < 13 {
		return "", nil, false
	}
	return s[open+1 : end], fields, true
}
