// Package devdb runs a private PostgreSQL cluster for development and tests, from the machine's PostgreSQL
// server binaries: `make run` keeps one under .data/postgres, `make test` starts a throwaway one. When the
// binaries are missing and the process is root, it installs Debian's postgresql package. As root, the cluster
// runs as the unprivileged "postgres" user, because PostgreSQL refuses to run as root.
package devdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options configure a cluster.
type Options struct {
	// Dir is the cluster's data directory.
	Dir string
	// Throwaway trades durability for speed (no fsync): for test clusters that are deleted afterwards.
	Throwaway bool
	// Log receives progress messages for people ("initialising…").
	Log io.Writer
}

const (
	superuser = "storefront"
	database  = "storefront"
	portFile  = "storefront.port"
)

// Start initialises the cluster if needed, starts it if it is not running, creates the database, and returns
// its URL. A second Start on a running cluster just returns the URL.
func Start(ctx context.Context, o Options) (string, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	bin, err := serverBinaries(ctx, o.Log)
	if err != nil {
		return "", err
	}
	runAs, err := clusterUser(o.Log)
	if err != nil {
		return "", err
	}
	dir, err := dataDir(o.Dir, runAs)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(o.Log, "devdb: initialising a PostgreSQL cluster in %s\n", o.Dir)
		args := []string{"-D", dir, "-U", superuser, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"}
		if o.Throwaway {
			args = append(args, "--no-sync")
		}
		if out, err := command(ctx, runAs, filepath.Join(bin, "initdb"), args...).CombinedOutput(); err != nil {
			return "", fmt.Errorf("devdb: initdb: %v\n%s", err, out)
		}
	}
	port, err := clusterPort(dir)
	if err != nil {
		return "", err
	}
	if !running(ctx, runAs, bin, dir) {
		fmt.Fprintf(o.Log, "devdb: starting PostgreSQL on 127.0.0.1:%d\n", port)
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB", port, dir)
		if o.Throwaway {
			opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
		}
		cmd := command(ctx, runAs, filepath.Join(bin, "pg_ctl"), "-D", dir, "-l", filepath.Join(dir, "server.log"),
			"-o", opts, "-w", "-t", "60", "start")
		if out, err := cmd.CombinedOutput(); err != nil {
			logTail, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			return "", fmt.Errorf("devdb: pg_ctl start: %v\n%s\n%s", err, out, tail(string(logTail), 2000))
		}
	}
	url := fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", superuser, port, database)
	if err := createDatabase(ctx, port); err != nil {
		return "", err
	}
	return url, nil
}

// Stop stops the cluster in dir if it runs; with remove, it also deletes the data directory.
func Stop(ctx context.Context, o Options, remove bool) error {
	bin, err := serverBinaries(ctx, io.Discard)
	if err != nil {
		return err
	}
	runAs, err := clusterUser(io.Discard)
	if err != nil {
		return err
	}
	dir, err := filepath.EvalSymlinks(o.Dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	if running(ctx, runAs, bin, dir) {
		if out, err := command(ctx, runAs, filepath.Join(bin, "pg_ctl"), "-D", dir, "-m", "fast", "-w", "stop").CombinedOutput(); err != nil {
			return fmt.Errorf("devdb: pg_ctl stop: %v\n%s", err, out)
		}
	}
	if remove {
		if dir != o.Dir {
			_ = os.Remove(o.Dir)
		}
		return os.RemoveAll(dir)
	}
	return nil
}

func running(ctx context.Context, runAs *user.User, bin, dir string) bool {
	return command(ctx, runAs, filepath.Join(bin, "pg_ctl"), "-D", dir, "status").Run() == nil
}

func createDatabase(ctx context.Context, port int) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres?sslmode=disable", superuser, port))
	if err != nil {
		return fmt.Errorf("devdb: connect: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, database).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+database); err != nil {
			return fmt.Errorf("devdb: create database: %w", err)
		}
	}
	return nil
}

// clusterPort returns the cluster's loopback port, choosing a free one the first time and keeping it, so a
// second `make run` finds the same database.
func clusterPort(dir string) (int, error) {
	file := filepath.Join(dir, portFile)
	if b, err := os.ReadFile(file); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			return p, nil
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	if err := os.WriteFile(file, []byte(strconv.Itoa(port)), 0o644); err != nil {
		return 0, err
	}
	return port, nil
}

// serverBinaries finds the directory holding initdb and pg_ctl: on PATH, else the newest
// /usr/lib/postgresql/*/bin; installs Debian's postgresql when none is found and we are root.
func serverBinaries(ctx context.Context, log io.Writer) (string, error) {
	find := func() string {
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			if _, err := exec.LookPath("initdb"); err == nil {
				real, _ := filepath.EvalSymlinks(p)
				if real == "" {
					real = p
				}
				return filepath.Dir(real)
			}
		}
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
				return d
			}
		}
		return ""
	}
	if d := find(); d != "" {
		return d, nil
	}
	if os.Geteuid() != 0 {
		return "", errors.New("devdb: PostgreSQL server binaries (initdb, pg_ctl) not found: install them " +
			"(Debian/Ubuntu: sudo apt-get install -y postgresql) or set DATABASE_URL")
	}
	fmt.Fprintln(log, "devdb: installing Debian's postgresql package")
	for _, args := range [][]string{{"update", "-q"}, {"install", "-y", "-q", "--no-install-recommends", "postgresql"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("devdb: apt-get %s: %v\n%s", args[0], err, tail(string(out), 2000))
		}
	}
	if d := find(); d != "" {
		return d, nil
	}
	return "", errors.New("devdb: postgresql installed but initdb not found")
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// clusterUser is the user the cluster runs as: nil (ourselves) unless we are root, then "postgres" (created
// if the system lacks it).
func clusterUser(log io.Writer) (*user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err == nil {
		return u, nil
	}
	fmt.Fprintln(log, "devdb: creating the unprivileged system user postgres")
	if out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("devdb: useradd postgres: %v\n%s", err, out)
	}
	return user.Lookup("postgres")
}

// dataDir creates dir for the cluster user. When that user cannot reach dir (a checkout under /root, say), the
// data lives under /var/tmp and dir becomes a symlink to it.
func dataDir(dir string, runAs *user.User) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", err
	}
	if runAs == nil {
		return abs, nil
	}
	uid, _ := strconv.Atoi(runAs.Uid)
	gid, _ := strconv.Atoi(runAs.Gid)
	if err := os.Chown(abs, uid, gid); err != nil {
		return "", err
	}
	if exec.Command("runuser", "-u", runAs.Username, "--", "test", "-w", abs).Run() == nil {
		return abs, nil
	}
	sum := sha256.Sum256([]byte(abs))
	alt := filepath.Join("/var/tmp", "storefront-pg-"+hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(alt, 0o700); err != nil {
		return "", err
	}
	if err := os.Chown(alt, uid, gid); err != nil {
		return "", err
	}
	if err := os.Remove(abs); err != nil {
		return "", err
	}
	if err := os.Symlink(alt, abs); err != nil {
		return "", err
	}
	return alt, nil
}

// command runs name as runAs (nil: as ourselves).
func command(ctx context.Context, runAs *user.User, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	// The server outlives this process (make run's second start reuses it): keep it out of our process group
	// so Ctrl-C on `make run` stops the shop, not the database.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Dir = "/"
	if runAs != nil {
		uid, _ := strconv.Atoi(runAs.Uid)
		gid, _ := strconv.Atoi(runAs.Gid)
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		cmd.Env = append(os.Environ(), "HOME=/tmp", "USER="+runAs.Username)
	}
	return cmd
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
