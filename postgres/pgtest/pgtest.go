// Package pgtest starts a throwaway PostgreSQL server from the installed
// binaries (Debian's postgresql package) for tests: initdb into a temporary
// directory as an unprivileged user, a free loopback port, the unix socket
// in the same directory; each test gets a fresh database on it.
//
// A test package calls Run from its TestMain and DB from its tests. Where
// the binaries are missing, DB skips the test with a message saying how to
// install them, or fails it when SMSPARK_REQUIRE_POSTGRES=1 (CI sets it).
// Each skip is also appended to the file SMSPARK_SKIPS_FILE names, if
// set, so that `make test` can list what it skipped.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// binDirs are where Start looks for initdb and pg_ctl, first match wins,
// PATH last; SMSPARK_POSTGRES_BINDIR, if set, is the only place looked.
func binDirs() []string {
	if d := os.Getenv("SMSPARK_POSTGRES_BINDIR"); d != "" {
		return []string{d}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.Reverse(dirs) // the newest major version first
	return dirs
}

// ErrNoBinaries means initdb or pg_ctl is not installed.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found")

// Install says how to get the binaries.
const Install = "install Debian's postgresql package (apt-get install postgresql)"

// Server is one running throwaway cluster.
type Server struct {
	bin     string
	dir     string // data directory, socket and log
	port    int
	cred    *syscall.Credential
	mu      sync.Mutex
	nextDB  int
	stopped bool
}

// binDir returns the directory holding initdb and pg_ctl.
func binDir() (string, error) {
	for _, d := range binDirs() {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	if os.Getenv("SMSPARK_POSTGRES_BINDIR") != "" {
		return "", ErrNoBinaries
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	return "", ErrNoBinaries
}

// Options tune Start.
type Options struct {
	// Fsync keeps fsync on, as in production (benchmarks of durable
	// commits); tests leave it off: the cluster is thrown away.
	Fsync bool
}

// Start initialises and starts a cluster in a new temporary directory.
// Run as root, the server runs as the postgres (or nobody) user: initdb
// refuses root.
func Start(ctx context.Context, o Options) (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "smspark-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	s := &Server{bin: bin, dir: dir}
	if err := s.start(ctx, o); err != nil {
		s.kill()
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, o Options) error {
	if os.Geteuid() == 0 {
		cred, err := unprivileged()
		if err != nil {
			return err
		}
		s.cred = cred
		if err := os.Chown(s.dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
	}
	if err := os.Chmod(s.dir, 0o700); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	data := filepath.Join(s.dir, "data")
	if err := s.run(ctx, "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync"); err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	s.port = port
	// fsync off unless asked: the cluster is thrown away, so a crash of
	// the machine loses nothing worth keeping; synchronous_commit stays
	// on, as in production, so commits wait for their WAL write.
	fsync := "off"
	if o.Fsync {
		fsync = "on"
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=%s -c full_page_writes=%s "+
		"-c max_connections=200 -c shared_buffers=32MB", port, s.dir, fsync, fsync)
	return s.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", filepath.Join(s.dir, "log"), "-o", opts)
}

// unprivileged returns the credentials of the postgres user, or nobody.
func unprivileged() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 == nil && err2 == nil {
			return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
		}
	}
	return nil, errors.New("pgtest: running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// run runs one of the server's programs as the server's user.
func (s *Server) run(ctx context.Context, prog string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, prog), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return fmt.Errorf("pgtest: %s: %w\n%s\n%s", prog, err, out, log)
	}
	return nil
}

// URL returns the connection URL of database name, over TCP on loopback.
func (s *Server) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, name)
}

// Port returns the server's TCP port.
func (s *Server) Port() int { return s.port }

// CreateDatabase creates a new, empty database and returns its URL.
func (s *Server) CreateDatabase(ctx context.Context) (string, error) {
	s.mu.Lock()
	s.nextDB++
	name := fmt.Sprintf("t%d", s.nextDB)
	s.mu.Unlock()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("pgtest: create database: %w", err)
	}
	return s.URL(name), nil
}

// Stop stops the server fast and removes its directory; safe twice.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil
	}
	s.stopped = true
	err := s.run(context.Background(), "pg_ctl", "stop", "-m", "fast", "-w", "-D", filepath.Join(s.dir, "data"))
	if rmErr := os.RemoveAll(s.dir); err == nil {
		err = rmErr
	}
	return err
}

// kill stops a half-started server, ignoring errors.
func (s *Server) kill() {
	_ = s.run(context.Background(), "pg_ctl", "stop", "-m", "immediate", "-D", filepath.Join(s.dir, "data"))
}

// Required reports whether SMSPARK_REQUIRE_POSTGRES=1: a missing server is
// then a failure, not a skip.
func Required() bool { return os.Getenv("SMSPARK_REQUIRE_POSTGRES") == "1" }

// Skip skips t (or fails it, when Required) because PostgreSQL is missing,
// loudly, and records the skip in SMSPARK_SKIPS_FILE.
func Skip(t testing.TB, err error) {
	t.Helper()
	msg := fmt.Sprintf("PostgreSQL test not run: %v; %s", err, Install)
	if Required() {
		t.Fatalf("%s (SMSPARK_REQUIRE_POSTGRES=1)", msg)
	}
	if f := os.Getenv("SMSPARK_SKIPS_FILE"); f != "" {
		if fh, ferr := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); ferr == nil {
			fmt.Fprintf(fh, "%s: %s\n", t.Name(), strings.SplitN(msg, "\n", 2)[0])
			fh.Close()
		}
	}
	fmt.Fprintf(os.Stderr, "\n*** SKIPPED %s: %s ***\n\n", t.Name(), msg)
	t.Skip(msg)
}
