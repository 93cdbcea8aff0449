package procstat

import (
	"os"
	"strconv"
	"testing"
)

func TestReadSelf(t *testing.T) {
	name, fields, ok := Read(os.Getpid())
	if !ok || name == "" {
		t.Fatalf("Read(self) = %q, %v, %v", name, fields, ok)
	}
	if parent, _ := strconv.Atoi(fields[1]); parent != os.Getppid() {
		t.Fatalf("parent %d, want %d", parent, os.Getppid())
	}
	if _, _, ok := Read(-1); ok {
		t.Fatal("Read(-1) found a process")
	}
}
