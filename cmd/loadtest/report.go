package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

type report struct {
	opts    options
	startup time.Duration
	plan    plan
	entries []entry
	peakRSS int64
	gc      gcStats // at the end, after a forced collection
}

type entry struct {
	sc  scenario
	res result
}

func newReport(o options, startup time.Duration, p plan) *report {
	return &report{opts: o, startup: startup, plan: p}
}

func (r *report) add(sc scenario, res result) { r.entries = append(r.entries, entry{sc, res}) }

// referenceRate is the mean throughput of the reference page runs (one before the shop's endpoints, one after,
// so drift during the run shows and evens out).
func (r *report) referenceRate() float64 {
	var sum float64
	var n int
	for _, e := range r.entries {
		if e.sc.reference {
			sum += e.res.rate
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func (r *report) print(out io.Writer) {
	ref := r.referenceRate()
	fmt.Fprintf(out, "storefront load test: %d CPUs, %s, %s per endpoint, at most %d requests each, loopback HTTP\n",
		runtime.NumCPU(), runtime.Version(), r.opts.duration, r.opts.maxRequests)
	fmt.Fprintf(out, "reference page: the %d-byte category page pre-rendered, served from memory by the same server\n\n", r.plan.categoryBytes)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\tconns\trequests\treq/s\tof ref\tp50 ms\tp99 ms\terrors\tGCs\tpeak MB\ttarget\t")
	var notes []string
	for _, e := range r.entries {
		ratio := 0.0
		if ref > 0 {
			ratio = e.res.rate / ref
		}
		target, met := r.judge(e, ratio)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t%d\t%.0f\t%s\t\n", e.sc.name, e.sc.connections, e.res.requests,
			e.res.rate, ratio, ms(e.res.p50), ms(e.res.p99), e.res.errors, e.res.gcs, float64(e.res.peakRSS)/1e6, target+met)
		if e.res.firstError != "" {
			notes = append(notes, fmt.Sprintf("%s: first error: %s", e.sc.name, e.res.firstError))
		}
	}
	_ = tw.Flush()
	fmt.Fprintln(out)
	fmt.Fprintf(out, "start-up to ready (median of 3, schema already migrated): %.0f ms  (target ≤ 300 ms%s)\n",
		ms(r.startup), verdict(r.startup <= 300*time.Millisecond))
	fmt.Fprintf(out, "server peak RSS (VmHWM) over the whole run, GOMEMLIMIT=%s: %.1f MB  (target ≤ 64 MB%s)\n",
		r.opts.memLimit, float64(r.peakRSS)/1e6, verdict(r.peakRSS <= 64e6))
	if r.gc.valid {
		fmt.Fprintf(out, "server live heap at the end: %.1f MB; share of CPU spent in GC over the run: %.1f%%\n",
			float64(r.gc.heapAlloc)/1e6, 100*r.gc.gcCPU)
	}
	for _, n := range notes {
		fmt.Fprintln(out, n)
	}
}

// judge states an entry's target and whether it was met.
func (r *report) judge(e entry, ratio float64) (string, string) {
	g := e.res
	var parts []string
	met := true
	if e.sc.goal.minRatio > 0 {
		parts = append(parts, fmt.Sprintf("≥ %.2f of ref", e.sc.goal.minRatio))
		met = met && ratio >= e.sc.goal.minRatio
	}
	if e.sc.goal.minRate > 0 {
		parts = append(parts, fmt.Sprintf("≥ %.0f req/s", e.sc.goal.minRate))
		met = met && g.rate >= e.sc.goal.minRate
	}
	if e.sc.goal.maxP99Ms > 0 {
		parts = append(parts, fmt.Sprintf("p99 < %.0f ms", e.sc.goal.maxP99Ms))
		met = met && ms(g.p99) < e.sc.goal.maxP99Ms
	}
	if e.sc.goal.noErrors {
		parts = append(parts, "no errors")
		met = met && g.errors == 0
	}
	if len(parts) == 0 {
		return "", ""
	}
	return strings.Join(parts, ", "), verdict(met)
}

func verdict(met bool) string {
	if met {
		return ": met"
	}
	return ": MISSED"
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
