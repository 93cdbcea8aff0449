package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// privatePostgres is a PostgreSQL server that dev started from the local
// binaries, in a data folder of its own, listening on a free port of
// 127.0.0.1 (and a unix socket in the data folder), with trust
// authentication.
type privatePostgres struct {
	bin  string // the folder of initdb and pg_ctl
	dir  string // the data folder
	port int
	// owner is the OS user that runs the server when this process is root
	// (PostgreSQL refuses to run as root); empty runs it as this user.
	owner string
	// borrowed says the server was running already: stop leaves it be.
	borrowed bool
}

// privateUser is the OS user a root process runs its private server as.
const privateUser = "postgres"

// url is the URL of the server's stepwise database.
func (p *privatePostgres) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/stepwise?sslmode=disable", p.port)
}

// defaultPostgresDir is where dev keeps its private server's data:
// stepwise/pg under the user's cache folder ($XDG_CACHE_HOME or
// ~/.cache). For root it is /var/lib/stepwise/pg, which the postgres user
// that runs the server can reach (root's home usually is closed to it).
func defaultPostgresDir() string {
	if os.Geteuid() == 0 {
		return "/var/lib/stepwise/pg"
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	return filepath.Join(cache, "stepwise", "pg")
}

// reachable reports whether something accepts TCP connections at the
// host and port of a database URL (a unix socket path counts as
// reachable: then the URL is used as it is).
func reachable(ctx context.Context, url string) (bool, error) {
	cfg, err := parseDatabaseURL(url)
	if err != nil {
		return false, err
	}
	host := cfg.ConnConfig.Host
	if strings.HasPrefix(host, "/") {
		return true, nil
	}
	d := net.Dialer{Timeout: time.Second}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(int(cfg.ConnConfig.Port))))
	if err != nil {
		return false, nil
	}
	conn.Close()
	return true, nil
}

// findPostgresBin finds the folder holding initdb, pg_ctl and postgres:
// on PATH, else the newest /usr/lib/postgresql/*/bin.
func findPostgresBin() (string, error) {
	if path, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(path); err == nil {
			path = real
		}
		dir := filepath.Dir(path)
		if hasPostgresBinaries(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, dir := range dirs {
		if hasPostgresBinaries(dir) {
			return dir, nil
		}
	}
	return "", errors.New("no PostgreSQL binaries (initdb, pg_ctl, postgres) on PATH or under /usr/lib/postgresql/*/bin: " +
		"install PostgreSQL (e.g. `apt-get install postgresql`) or " + startPostgreSQLHints)
}

// versionOf is the major version in /usr/lib/postgresql/VERSION/bin.
func versionOf(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

func hasPostgresBinaries(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.IsDir() {
			return false
		}
	}
	return true
}

// startPrivatePostgres initialises dir (the first time) and starts a
// server on a free port, saying what it does on out; a server already
// running on dir is used as it is. Stop it with stop. The commands run to
// their end even when ctx ends (an interrupted initdb or pg_ctl start
// would leave a broken folder or a server nobody stops): the caller
// stops the server it gets.
func startPrivatePostgres(ctx context.Context, dir string, out io.Writer) (*privatePostgres, error) {
	ctx = context.WithoutCancel(ctx)
	bin, err := findPostgresBin()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	p := &privatePostgres{bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		if err := p.runAsPostgresUser(); err != nil {
			return nil, err
		}
	}
	if err := p.init(ctx, out); err != nil {
		return nil, err
	}
	if p.running(ctx) {
		if p.port, err = p.runningPort(); err != nil {
			return nil, err
		}
		p.borrowed = true
		fmt.Fprintf(out, "using the private PostgreSQL already running on 127.0.0.1:%d, data in %s (another dev, or one left running; this dev leaves it running)\n", p.port, dir)
		return p, nil
	}
	if p.port, err = freePort(); err != nil {
		return nil, err
	}
	// The socket goes in the data folder: /var/run/postgresql may not be
	// writable by this user.
	opts := fmt.Sprintf("-p %d -h 127.0.0.1 -k '%s'", p.port, strings.ReplaceAll(dir, "'", `'\''`))
	if err := p.pgctl(ctx, "start", "-w", "-t", "60", "-l", filepath.Join(dir, "server.log"), "-o", opts); err != nil {
		return nil, fmt.Errorf("%w (the server's log: %s)", err, filepath.Join(dir, "server.log"))
	}
	fmt.Fprintf(out, "started a private PostgreSQL (%s) on 127.0.0.1:%d, data in %s; dev stops it when it exits\n", bin, p.port, dir)
	return p, nil
}

// runAsPostgresUser makes the server run as the postgres OS user, which
// must exist and be able to reach the data folder.
func (p *privatePostgres) runAsPostgresUser() error {
	if _, err := user.Lookup(privateUser); err != nil {
		return fmt.Errorf("PostgreSQL refuses to run as root and there is no %q user to run it as: "+
			"run dev as another user, create the user, or %s", privateUser, startPostgreSQLHints)
	}
	if _, err := exec.LookPath("runuser"); err != nil {
		return fmt.Errorf("PostgreSQL refuses to run as root, and runuser (to run it as %s) is not installed: run dev as another user", privateUser)
	}
	for dir := filepath.Dir(p.dir); ; dir = filepath.Dir(dir) {
		st, err := os.Stat(dir)
		if err == nil && st.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("PostgreSQL refuses to run as root, so it runs as the %s user, which cannot enter %s (mode %s): choose a --pg-dir it can reach",
				privateUser, dir, st.Mode().Perm())
		}
		if dir == filepath.Dir(dir) {
			break
		}
	}
	p.owner = privateUser
	return nil
}

// init creates and initialises the data folder unless it holds a cluster.
func (p *privatePostgres) init(ctx context.Context, out io.Writer) error {
	if _, err := os.Stat(filepath.Join(p.dir, "PG_VERSION")); err == nil {
		return nil
	}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return err
	}
	if p.owner != "" {
		u, err := user.Lookup(p.owner)
		if err != nil {
			return err
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(p.dir, uid, gid); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "no PostgreSQL data in %s yet: initdb (trust authentication, user postgres)\n", p.dir)
	return p.command(ctx, "initdb", "-D", p.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions")
}

// running reports whether a server already runs on the data folder.
func (p *privatePostgres) running(ctx context.Context) bool {
	return p.pgctl(ctx, "status") == nil
}

// runningPort reads the port of the server running on the data folder
// from its postmaster.pid (the fourth line).
func (p *privatePostgres) runningPort() (int, error) {
	data, err := os.ReadFile(filepath.Join(p.dir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) < 4 {
		return 0, fmt.Errorf("%s: no port line", filepath.Join(p.dir, "postmaster.pid"))
	}
	return strconv.Atoi(strings.TrimSpace(lines[3]))
}

// stop stops the server, waiting for it, unless it was borrowed; it does
// not depend on a context, so that it runs when dev is interrupted.
func (p *privatePostgres) stop(out io.Writer) error {
	if p.borrowed {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.pgctl(ctx, "stop", "-m", "fast", "-w"); err != nil {
		return fmt.Errorf("stop the private PostgreSQL: %w", err)
	}
	fmt.Fprintf(out, "stopped the private PostgreSQL (data kept in %s)\n", p.dir)
	return nil
}

func (p *privatePostgres) pgctl(ctx context.Context, args ...string) error {
	return p.command(ctx, "pg_ctl", append([]string{"-D", p.dir}, args...)...)
}

// command runs one of the binaries (as the owner, when set) and returns
// its output as the error when it fails.
func (p *privatePostgres) command(ctx context.Context, name string, args ...string) error {
	path := filepath.Join(p.bin, name)
	cmd := exec.CommandContext(ctx, path, args...)
	if p.owner != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", p.owner, "--", path}, args...)...)
	}
	cmd.Dir = "/" // the owner may not be able to enter this process's folder
	output, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, args[0], err, strings.ReplaceAll(strings.TrimSpace(string(output)), "\n", "; "))
	}
	return nil
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// devDatabase returns the URL of dev's database: o.database when set;
// else o.probe when something listens there; else that of a private
// server it starts in o.pgDir, returned too so that dev stops it.
func devDatabase(ctx context.Context, o devOptions, out io.Writer) (string, *privatePostgres, error) {
	if o.database != "" {
		return o.database, nil, nil
	}
	ok, err := reachable(ctx, o.probe)
	if err != nil || ok {
		return o.probe, nil, err
	}
	cfg, _ := parseDatabaseURL(o.probe)
	fmt.Fprintf(out, "stepwise dev: no PostgreSQL listens on %s and neither --database nor STEPWISE_DATABASE_URL is set: starting a private server\n",
		net.JoinHostPort(cfg.ConnConfig.Host, strconv.Itoa(int(cfg.ConnConfig.Port))))
	pg, err := startPrivatePostgres(ctx, o.pgDir, out)
	if err != nil {
		return "", nil, err
	}
	return pg.url(), pg, nil
}
