package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// result is what one scenario measured.
type result struct {
	requests   uint64
	errors     uint64
	rate       float64 // correct answers per second
	p50, p99   time.Duration
	firstError string
	gcs        int64 // garbage collections the server ran during the measured run (and its warm-up)
	peakRSS    int64 // the server's peak RSS so far, after this run
}

// warmUp requests are sent before a repeatable scenario is measured, so connections are open and caches filled.
const warmUp = 500

// attack drives the scenario's targets at full speed over sc.connections connections, until o.duration has passed
// or the request bound is reached.
func attack(ctx context.Context, srv *server, sc scenario, o options) (result, error) {
	if !sc.once {
		if _, err := drive(ctx, sc, warmUp, o.duration); err != nil {
			return result{}, err
		}
	}
	limit := o.maxRequests
	if sc.once {
		limit = min(limit, len(sc.targets))
	}
	var profile sync.WaitGroup
	var profileErr error
	if o.profileDir != "" {
		profile.Add(1)
		go func() {
			defer profile.Done()
			profileErr = saveProfile(ctx, srv.base, o.profileDir, sc, o.duration)
		}()
		time.Sleep(50 * time.Millisecond) // let the profile start before the load does
	}
	res, err := drive(ctx, sc, limit, o.duration)
	profile.Wait()
	if err == nil {
		err = profileErr
	}
	return res, err
}

func drive(ctx context.Context, sc scenario, limit int, duration time.Duration) (result, error) {
	c := sc.connections
	atk := vegeta.NewAttacker(vegeta.Workers(uint64(c)), vegeta.MaxWorkers(uint64(c)), vegeta.Connections(c),
		vegeta.MaxConnections(c), vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow),
		vegeta.Timeout(30*time.Second), vegeta.MaxBody(0))
	var sent atomic.Int64
	targeter := func(t *vegeta.Target) error {
		n := sent.Add(1) - 1
		if n >= int64(limit) {
			return vegeta.ErrNoTargets
		}
		*t = sc.targets[n%int64(len(sc.targets))]
		return nil
	}
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()

	var m vegeta.Metrics
	var res result
	for r := range atk.Attack(targeter, vegeta.Rate{}, duration, sc.name) {
		if r.Error == vegeta.ErrNoTargets.Error() {
			continue // the bound was reached: not a request
		}
		m.Add(r)
		wrong := r.Error != ""
		if !wrong && !sc.expect(int(r.Code), r.Headers.Get("Location")) {
			wrong = true
			r.Error = fmt.Sprintf("unexpected answer %d (Location %q)", r.Code, r.Headers.Get("Location"))
		}
		if wrong {
			res.errors++
			if res.firstError == "" {
				res.firstError = r.Error
			}
		}
	}
	m.Close()
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	res.requests = m.Requests
	if elapsed := (m.Duration + m.Wait).Seconds(); elapsed > 0 {
		res.rate = float64(m.Requests-res.errors) / elapsed
	}
	res.p50, res.p99 = m.Latencies.P50, m.Latencies.P99
	return res, nil
}

// saveProfile records a CPU profile of the server while the scenario runs.
func saveProfile(ctx context.Context, base, dir string, sc scenario, d time.Duration) error {
	seconds := max(1, int(d.Seconds()))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/bench/pprof/profile?seconds=%d", base, seconds), nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("CPU profile: %s", res.Status)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	name := strings.NewReplacer(" ", "-", ",", "", "(", "", ")", "").Replace(sc.name)
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%dconns.pprof", name, sc.connections)))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, res.Body)
	return err
}
