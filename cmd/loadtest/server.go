package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// database is a database created for one load test and dropped after it.
type database struct {
	admin string // the URL the test was given, used to drop the database again
	name  string
	url   string
}

func createDatabase(ctx context.Context, adminURL string) (*database, error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", redact(adminURL), err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("storefront_load_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + name
	return &database{admin: adminURL, name: name, url: u.String()}, nil
}

func (d *database) drop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, d.admin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest: drop database:", err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{d.name}.Sanitize()+" WITH (FORCE)"); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest: drop database:", err)
	}
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "the database URL"
}

// server runs the storefront binary under test.
type server struct {
	binary string
	env    []string
	base   string
	blobs  string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func newServer(binary, databaseURL, memLimit string) (*server, error) {
	if _, err := os.Stat(binary); err != nil {
		return nil, fmt.Errorf("server binary: %w (make build writes it)", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	blobs, err := os.MkdirTemp("", "storefront-load-blobs-")
	if err != nil {
		return nil, err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	env := append(slices.Clip(os.Environ()),
		"DATABASE_URL="+databaseURL,
		"HTTP_ADDR=127.0.0.1:"+strconv.Itoa(port),
		"BASE_URL="+base,
		"BLOB_DIR="+blobs,
		"SESSION_KEY=load-test-session-key-0123456789abcdef",
		// Access logs are skipped (warn level): writing one line per request would measure the log pipe.
		"LOG_LEVEL=warn",
		"DEMO=true",
		"BENCH_ENDPOINTS=true",
		"STRIPE_SECRET_KEY=", "SMTP_URL=",
		"GOMEMLIMIT="+memLimit,
	)
	return &server{binary: binary, env: env, base: base, blobs: blobs}, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// prepare migrates the schema and seeds the demo shop.
func (s *server) prepare(ctx context.Context) error {
	for _, args := range [][]string{{"migrate", "up"}, {"seed", "demo"}} {
		cmd := exec.CommandContext(ctx, s.binary, args...)
		cmd.Env = s.env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("storefront %s: %w\n%s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

// measureStartup starts the server n times (migrations already applied) and returns the median time from
// exec to the first successful /readyz; the last start keeps running.
func (s *server) measureStartup(ctx context.Context, n int) (time.Duration, error) {
	var times []time.Duration
	for i := range n {
		d, err := s.start(ctx)
		if err != nil {
			return 0, err
		}
		times = append(times, d)
		if i < n-1 {
			s.stop()
		}
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}

func (s *server) start(ctx context.Context) (time.Duration, error) {
	s.stderr = &bytes.Buffer{}
	cmd := exec.Command(s.binary, "serve")
	cmd.Env = s.env
	cmd.Stdout = s.stderr
	cmd.Stderr = s.stderr
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	s.cmd = cmd
	client := &http.Client{Timeout: time.Second}
	for time.Since(began) < 20*time.Second {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		res, err := client.Get(s.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(began), nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	s.stop()
	return 0, fmt.Errorf("server not ready after 20s:\n%s", s.stderr)
}

// stop ends the server with SIGTERM, as a deployment would.
func (s *server) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

func (s *server) cleanup() {
	s.stop()
	_ = os.RemoveAll(s.blobs)
}

// peakRSS is the running server's high-water resident set size (VmHWM), in bytes.
func (s *server) peakRSS() (int64, error) {
	if s.cmd == nil {
		return 0, errors.New("server not running")
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("peak RSS: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("peak RSS: no VmHWM in /proc status")
}

// gcStats is what the server's runtime says of its garbage collector (from the pprof heap page's MemStats).
type gcStats struct {
	numGC     int64
	heapAlloc int64 // bytes of live and not yet collected objects
	gcCPU     float64
	valid     bool
}

// gcStats reads the server's MemStats; with collect it first runs a collection, so heapAlloc is the live heap.
func (s *server) gcStats(ctx context.Context, collect bool) gcStats {
	url := s.base + "/bench/pprof/heap?debug=1"
	if collect {
		url += "&gc=1"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return gcStats{}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return gcStats{}
	}
	defer res.Body.Close()
	var st gcStats
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "# NumGC = "); ok {
			st.numGC, _ = strconv.ParseInt(v, 10, 64)
			st.valid = true
		} else if v, ok := strings.CutPrefix(line, "# HeapAlloc = "); ok {
			st.heapAlloc, _ = strconv.ParseInt(v, 10, 64)
		} else if v, ok := strings.CutPrefix(line, "# GCCPUFraction = "); ok {
			st.gcCPU, _ = strconv.ParseFloat(v, 64)
		}
	}
	return st
}
