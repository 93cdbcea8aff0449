package testkit

import (
	"os"
	"strconv"

	"github.com/stepwise-run/stepwise/internal/procstat"
)

// Processes, read from Linux's /proc: tests that start and kill
// processes check on them here.

// descendants returns the processes below pid, from /proc.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if parent, ok := procParent(p); ok {
			children[parent] = append(children[parent], p)
		}
	}
	var out []int
	for queue := children[pid]; len(queue) > 0; queue = queue[1:] {
		out = append(out, queue[0])
		queue = append(queue, children[queue[0]]...)
	}
	return out
}

// procStat returns the command name of process pid and the fields of
// /proc/PID/stat after it (state, parent, ...), or "" when there is no
// such process (or it is a zombie).
func procStat(pid int) (string, []string) {
	name, fields, ok := procstat.Read(pid)
	if !ok || fields[0] == "Z" {
		return "", nil
	}
	return name, fields
}

// Command is the command name of process pid (as ps shows it), or ""
// when the process is gone or exited and waits to be reaped.
func Command(pid int) string {
	name, _ := procStat(pid)
	return name
}

// procParent is the parent of process pid.
func procParent(pid int) (int, bool) {
	_, fields := procStat(pid)
	if fields == nil {
		return 0, false
	}
	parent, err := strconv.Atoi(fields[1])
	return parent, err == nil
}
