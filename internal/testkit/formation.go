package testkit

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// A Formation is a replicated PostgreSQL on this machine run by
// pg_auto_failover (Debian's postgresql-NN-auto-failover, which provides
// pg_autoctl): a monitor and two nodes, a primary and a synchronous
// secondary, each with its own port and data folder in a temporary
// directory. pg_autoctl refuses to run as root: a root test runs it as
// the postgres OS user, which then owns the directory.
type Formation struct {
	t      testing.TB
	dir    string
	pgctl  string
	asUser string // empty: the current user
	// Monitor is the port of the monitor's PostgreSQL.
	Monitor int
	// Database is the database the nodes serve (created by pg_autoctl).
	Database string
	mu       sync.Mutex
	nodes    map[string]*formationNode
}

// formationNode is one PostgreSQL node and its keeper (pg_autoctl run),
// nil while stopped.
type formationNode struct {
	port   int
	keeper *exec.Cmd
	// frozen is the pid of the node's PostgreSQL while Freeze has it
	// stopped, else 0.
	frozen int
}

// FormationConfig sets up a formation; nil means defaults.
type FormationConfig struct {
	// DefaultTimeouts keeps pg_auto_failover's own failure detection
	// timeouts (a failover then takes about 50 s: 20 s before a primary
	// is considered unhealthy, 30 s more waiting for it to demote). The
	// default, false, shortens them to a few seconds (see
	// FormationFastTimeouts).
	DefaultTimeouts bool
}

// FormationFastTimeouts are the monitor settings a formation uses unless
// FormationConfig.DefaultTimeouts is set, in milliseconds. The keepers'
// network partition timeout (after which a primary that reaches neither
// the monitor nor a standby demotes itself) is lowered to 3 s to stay
// under primary_demote_timeout, so that shortening the latter cannot let
// two primaries take writes.
var FormationFastTimeouts = map[string]int{
	"pgautofailover.health_check_period":               1000,
	"pgautofailover.health_check_timeout":              1000,
	"pgautofailover.health_check_max_retries":          1,
	"pgautofailover.health_check_retry_delay":          500,
	"pgautofailover.node_considered_unhealthy_timeout": 2000,
	"pgautofailover.primary_demote_timeout":            5000,
}

// formationPartitionTimeout is the keepers' network_partition_timeout in
// seconds with FormationFastTimeouts (pg_auto_failover's default is 20).
const formationPartitionTimeout = 3

// PGAutoctl returns the path of pg_autoctl, or "" when it is not installed.
func PGAutoctl() string {
	path, err := exec.LookPath("pg_autoctl")
	if err != nil {
		return ""
	}
	return path
}

// NewFormation creates a formation of a monitor and the nodes node1 (the
// primary) and node2 (its synchronous secondary), starts them, waits
// until node2 has caught up, and tears it all down when the test ends.
// It fails the test when pg_autoctl is missing.
func NewFormation(t testing.TB, cfg *FormationConfig) *Formation {
	t.Helper()
	if cfg == nil {
		cfg = &FormationConfig{}
	}
	require := func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("formation: %s: %v", what, err)
		}
	}
	if PGAutoctl() == "" {
		t.Fatal("formation: pg_autoctl is not installed (apt-get install postgresql-15-auto-failover)")
	}
	f := &Formation{t: t, Database: "stepwise", nodes: map[string]*formationNode{}}
	var err error
	f.pgctl, err = pgctlFor()
	require(err, "finding pg_ctl")
	f.dir, err = os.MkdirTemp("", "stepwise-formation-")
	require(err, "temporary directory")
	t.Cleanup(f.close)
	require(f.ownDirectory(), "giving the directory to postgres")
	ports, err := freePorts(3)
	require(err, "free ports")
	f.Monitor = ports[0]
	began := time.Now()
	require(f.createMonitor(!cfg.DefaultTimeouts), "monitor")
	require(f.createNode("node1", ports[1], !cfg.DefaultTimeouts), "node1")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	go nudgeCheckpoints(ctx, f.nodeURL(ports[1]))
	require(f.createNode("node2", ports[2], !cfg.DefaultTimeouts), "node2")
	require(f.WaitStates(ctx, map[string]string{"node1": "primary", "node2": "secondary"}), "waiting for node2 to catch up")
	t.Logf("formation: monitor on port %d, node1 (primary) on %d, node2 (synchronous secondary) on %d, ready after %s; in %s",
		ports[0], ports[1], ports[2], time.Since(began).Round(100*time.Millisecond), f.dir)
	return f
}

// pgctlFor finds the pg_ctl of a PostgreSQL version that has the
// pgautofailover extension installed (STEPWISE_FAILOVER_PG_CTL overrides).
func pgctlFor() (string, error) {
	if p := os.Getenv("STEPWISE_FAILOVER_PG_CTL"); p != "" {
		return p, nil
	}
	controls, _ := filepath.Glob("/usr/share/postgresql/*/extension/pgautofailover.control")
	sort.Strings(controls)
	for i := len(controls) - 1; i >= 0; i-- {
		version := filepath.Base(filepath.Dir(filepath.Dir(controls[i])))
		p := filepath.Join("/usr/lib/postgresql", version, "bin", "pg_ctl")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no PostgreSQL with the pgautofailover extension in /usr/lib/postgresql (set STEPWISE_FAILOVER_PG_CTL)")
}

// ownDirectory makes the postgres OS user run pg_autoctl and own the
// directory when the test runs as root.
func (f *Formation) ownDirectory() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	f.asUser = "postgres"
	return os.Chown(f.dir, uid, gid)
}

// freePorts returns n TCP ports free on every address at the time.
func freePorts(n int) ([]int, error) {
	var ports []int
	for len(ports) < n {
		ln, err := net.Listen("tcp", ":0")
		if err != nil {
			return nil, err
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// command is pg_autoctl with args, run as the formation's user with its
// configuration and state kept in the formation's directory.
func (f *Formation) command(args ...string) *exec.Cmd {
	env := []string{"HOME=" + f.dir, "XDG_CONFIG_HOME=" + filepath.Join(f.dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(f.dir, "data"), "XDG_RUNTIME_DIR=" + filepath.Join(f.dir, "run"),
		"PATH=" + filepath.Dir(f.pgctl) + ":/usr/sbin:/usr/bin:/sbin:/bin"}
	argv := append([]string{"env"}, env...)
	return f.ownerCommand(append(argv, append([]string{PGAutoctl()}, args...)...)...)
}

// ownerCommand is argv run as the formation's user, in its directory.
func (f *Formation) ownerCommand(argv ...string) *exec.Cmd {
	if f.asUser != "" {
		argv = append([]string{"runuser", "-u", f.asUser, "--"}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = f.dir
	return cmd
}

// run runs pg_autoctl with args to the end.
func (f *Formation) run(args ...string) error {
	out, err := f.command(args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_autoctl %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// pgdata is the data folder of the monitor or a node.
func (f *Formation) pgdata(name string) string { return filepath.Join(f.dir, name) }

// monitorURL is the monitor's database, as the keepers reach it.
func (f *Formation) monitorURL(user string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/pg_auto_failover?sslmode=disable", user, f.Monitor)
}

// createMonitor creates the monitor, shortening its timeouts when fast
// is set, and starts it.
func (f *Formation) createMonitor(fast bool) error {
	if err := f.run("create", "monitor", "--pgdata", f.pgdata("monitor"), "--pgctl", f.pgctl, "--pgport", strconv.Itoa(f.Monitor),
		"--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl"); err != nil {
		return err
	}
	// Trust is for loopback connections only: no other address listens.
	if err := f.run("config", "set", "--pgdata", f.pgdata("monitor"), "postgresql.listen_addresses", "127.0.0.1"); err != nil {
		return err
	}
	if err := f.startKeeper("monitor", f.Monitor); err != nil {
		return err
	}
	if !fast {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := connectRetrying(ctx, f.monitorURL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for name, value := range FormationFastTimeouts {
		if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER SYSTEM SET %s = %d", name, value)); err != nil {
			return err
		}
	}
	_, err = conn.Exec(ctx, "SELECT pg_reload_conf()")
	return err
}

// createNode creates the node name on port, registered with the monitor
// (the first one becomes the primary, the next its secondary), and
// starts its keeper.
func (f *Formation) createNode(name string, port int, fast bool) error {
	if err := f.run("create", "postgres", "--pgdata", f.pgdata(name), "--pgctl", f.pgctl, "--pgport", strconv.Itoa(port),
		"--hostname", "127.0.0.1", "--listen", "127.0.0.1", "--name", name, "--dbname", f.Database, "--monitor", f.monitorURL("autoctl_node"),
		"--auth", "trust", "--no-ssl"); err != nil {
		return err
	}
	if fast {
		if err := f.run("config", "set", "--pgdata", f.pgdata(name), "timeout.network_partition_timeout", strconv.Itoa(formationPartitionTimeout)); err != nil {
			return err
		}
	}
	return f.startKeeper(name, port)
}

// startKeeper runs pg_autoctl run for the monitor or node name, logging
// to name.log in the formation's directory.
func (f *Formation) startKeeper(name string, port int) error {
	log, err := os.OpenFile(filepath.Join(f.dir, name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := f.command("run", "--pgdata", f.pgdata(name))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return err
	}
	f.mu.Lock()
	f.nodes[name] = &formationNode{port: port, keeper: cmd}
	f.mu.Unlock()
	return nil
}

// connectRetrying connects to url until it answers or ctx ends.
func connectRetrying(ctx context.Context, url string) (*pgx.Conn, error) {
	for {
		conn, err := pgx.Connect(ctx, url)
		if err == nil {
			return conn, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// nudgeCheckpoints asks the server at url for a checkpoint every second
// until ctx ends: the base backup of a new secondary waits for one, by
// default spread over minutes.
func nudgeCheckpoints(ctx context.Context, url string) {
	for ctx.Err() == nil {
		if conn, err := pgx.Connect(ctx, url); err == nil {
			_, _ = conn.Exec(ctx, "CHECKPOINT")
			_ = conn.Close(context.Background())
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// nodeURL is the formation's database on the node at port alone.
func (f *Formation) nodeURL(port int) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", port, f.Database)
}

// URL is the formation's database on whichever node takes writes: a
// multi-host connection string with target_session_attrs=read-write, as
// engines and workers use it.
func (f *Formation) URL() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var hosts []string
	for _, name := range []string{"node1", "node2"} {
		hosts = append(hosts, fmt.Sprintf("127.0.0.1:%d", f.nodes[name].port))
	}
	return fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable&target_session_attrs=read-write&connect_timeout=5",
		strings.Join(hosts, ","), f.Database)
}

// States returns the state each node reported to the monitor, by name.
func (f *Formation) States(ctx context.Context) (map[string]string, error) {
	conn, err := pgx.Connect(ctx, f.monitorURL("postgres"))
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, "SELECT nodename, reportedstate::text, goalstate::text FROM pgautofailover.node")
	if err != nil {
		return nil, err
	}
	states := map[string]string{}
	for rows.Next() {
		var name, reported, goal string
		if err := rows.Scan(&name, &reported, &goal); err != nil {
			return nil, err
		}
		states[name] = reported
		if goal != reported {
			states[name] += " -> " + goal
		}
	}
	return states, rows.Err()
}

// WaitStates waits until each node named in want has reported the state
// want gives it and the monitor assigns it no other.
func (f *Formation) WaitStates(ctx context.Context, want map[string]string) error {
	var states map[string]string
	var err error
	for {
		states, err = f.States(ctx)
		done := err == nil
		for name, state := range want {
			done = done && states[name] == state
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: states %v (last error: %v), want %v", ctx.Err(), states, err, want)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Primary returns the name of the node the monitor holds for the
// primary (reporting primary, wait_primary or single).
func (f *Formation) Primary(ctx context.Context) (string, error) {
	states, err := f.States(ctx)
	if err != nil {
		return "", err
	}
	for name, state := range states {
		switch state {
		case "primary", "wait_primary", "single":
			return name, nil
		}
	}
	return "", fmt.Errorf("no primary: %v", states)
}

// close stops the nodes and the monitor and removes the directory,
// which it keeps, with the keepers' logs, when the test failed.
func (f *Formation) close() {
	for _, name := range []string{"node1", "node2", "monitor"} {
		f.mu.Lock()
		n := f.nodes[name]
		f.mu.Unlock()
		if n == nil {
			continue
		}
		f.thaw(name)
		if n.keeper == nil {
			continue
		}
		if err := f.Stop(name); err != nil {
			f.t.Logf("formation: stopping %s: %v", name, err)
		}
		// A keeper killed above leaves its PostgreSQL running.
		_ = f.ownerCommand(f.pgctl, "stop", "--pgdata", f.pgdata(name), "--mode", "immediate").Run()
	}
	if f.t.Failed() {
		f.t.Logf("formation: directory and keeper logs kept in %s", f.dir)
		return
	}
	_ = os.RemoveAll(f.dir)
}
