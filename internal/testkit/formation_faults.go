package testkit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The faults a formation's nodes suffer, and their recovery.

// Stop stops the node name cleanly (pg_autoctl stop, PostgreSQL in fast
// mode) and waits for its keeper to exit.
func (f *Formation) Stop(name string) error {
	n, err := f.running(name)
	if err != nil {
		return err
	}
	if err := f.run("stop", "--pgdata", f.pgdata(name), "--fast"); err != nil {
		return err
	}
	return f.stopped(n, waitExit(n.keeper, 30*time.Second))
}

// Crash stops the node name as a crash would: its keeper is killed, so
// that nothing starts PostgreSQL again, and PostgreSQL stops in
// immediate mode (every process exits at once, with no checkpoint and
// no more WAL sent to the standby; what is not on disk is lost, and what
// the standby did not confirm was never acknowledged).
func (f *Formation) Crash(name string) error {
	n, err := f.running(name)
	if err != nil {
		return err
	}
	killKeeper(n.keeper.Process.Pid)
	err = waitExit(n.keeper, 10*time.Second)
	if out, stopErr := f.ownerCommand(f.pgctl, "stop", "--pgdata", f.pgdata(name), "--mode", "immediate").CombinedOutput(); stopErr != nil {
		err = errors.Join(err, fmt.Errorf("pg_ctl stop --mode immediate: %w\n%s", stopErr, out))
	}
	return f.stopped(n, err)
}

// Freeze stops the node name as a machine that hangs would: its keeper
// is killed and every PostgreSQL process is stopped (SIGSTOP), so that
// connections to it stay open while nothing answers on them (the kernel
// still acknowledges what clients send, so TCP never gives up). Rejoin,
// or the end of the test, kills the frozen processes.
func (f *Formation) Freeze(name string) error {
	n, err := f.running(name)
	if err != nil {
		return err
	}
	postmaster, err := f.postmaster(name)
	if err != nil {
		return err
	}
	killKeeper(n.keeper.Process.Pid)
	err = waitExit(n.keeper, 10*time.Second)
	// The postmaster first: stopped, it starts no more processes.
	for _, p := range append([]int{postmaster}, descendants(postmaster)...) {
		err = errors.Join(err, syscall.Kill(p, syscall.SIGSTOP))
	}
	f.mu.Lock()
	n.frozen = postmaster
	f.mu.Unlock()
	return f.stopped(n, err)
}

// postmaster reads the pid of the PostgreSQL of the node name.
func (f *Formation) postmaster(name string) (int, error) {
	b, err := os.ReadFile(filepath.Join(f.pgdata(name), "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strconv.Atoi(strings.TrimSpace(first))
}

// thaw SIGKILLs the processes of the node name if it is frozen.
func (f *Formation) thaw(name string) {
	f.mu.Lock()
	n := f.nodes[name]
	postmaster := n.frozen
	n.frozen = 0
	f.mu.Unlock()
	if postmaster == 0 {
		return
	}
	for _, p := range append([]int{postmaster}, descendants(postmaster)...) {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	for deadline := time.Now().Add(10 * time.Second); Command(postmaster) != "" && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
}

// running returns the node name, or an error when it is not running.
func (f *Formation) running(name string) (*formationNode, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.nodes[name]
	if n == nil || n.keeper == nil {
		return nil, fmt.Errorf("node %s is not running", name)
	}
	return n, nil
}

// stopped marks n stopped and returns err.
func (f *Formation) stopped(n *formationNode, err error) error {
	f.mu.Lock()
	n.keeper = nil
	f.mu.Unlock()
	return err
}

// killKeeper SIGKILLs the process pid and every process below it but
// PostgreSQL's, until none is left: pg_autoctl's supervisor restarts the
// services it runs.
func killKeeper(pid int) {
	for range 50 {
		victims := []int{pid}
		for _, p := range descendants(pid) {
			if Command(p) != "postgres" {
				victims = append(victims, p)
			}
		}
		alive := 0
		for _, p := range victims {
			if syscall.Kill(p, syscall.SIGKILL) == nil && Command(p) != "" {
				alive++
			}
		}
		if alive == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Rejoin starts the stopped node name again and waits until its keeper
// has made it the synchronous secondary of the other node, the primary.
// When it cannot rewind to the primary's timeline (as after a crash) it
// takes a base backup, which waits for a checkpoint: Rejoin asks for one
// every second meanwhile.
func (f *Formation) Rejoin(ctx context.Context, name string) error {
	f.mu.Lock()
	port, other := f.nodes[name].port, f.nodes[f.Other(name)].port
	f.mu.Unlock()
	f.thaw(name)
	if err := f.startKeeper(name, port); err != nil {
		return err
	}
	nudging, stop := context.WithCancel(ctx)
	defer stop()
	go nudgeCheckpoints(nudging, f.nodeURL(other))
	return f.WaitStates(ctx, map[string]string{name: "secondary", f.Other(name): "primary"})
}

// Other is the node of the two that is not name.
func (f *Formation) Other(name string) string {
	if name == "node1" {
		return "node2"
	}
	return "node1"
}

// waitExit waits up to d for cmd to exit, then kills it.
func waitExit(cmd *exec.Cmd, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return nil
	case <-time.After(d):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("pg_autoctl (pid %d) did not exit within %s: killed", cmd.Process.Pid, d)
	}
}
