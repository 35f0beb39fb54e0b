package engine

import (
	"sync"

	"github.com/shopspring/decimal"
)

// quoteScratch is the working memory of one quote: the normalised copy of the request's lines, the per-line
// figures and the buffers of the rounding, grouping and allocation steps. Quote takes one from scratchPool and
// puts it back cleared when it returns, so a quote allocates little beyond its result. Nothing in a Quote or an
// error refers to it, and it carries nothing from one quote to the next: the pool is a cache of empty buffers,
// not state.
type quoteScratch struct {
	q      quoter
	req    Request
	lines  []Line
	calc   []lineCalc
	dec    []decimal.Decimal // weights, amounts and remainders: 3 per line
	u64    []uint64          // integer allocation scratch: 3 per line
	idx    []int
	groups []taxGroup
}

var scratchPool = sync.Pool{New: func() any { return new(quoteScratch) }}

// maxPooledLines bounds the buffers the pool keeps, so one very large order does not pin its memory.
const maxPooledLines = 256

func getScratch() *quoteScratch { return scratchPool.Get().(*quoteScratch) }

// size returns the buffers for n lines, zeroed.
func (sc *quoteScratch) size(n int) {
	if cap(sc.calc) < n {
		sc.calc = make([]lineCalc, n)
		sc.dec = make([]decimal.Decimal, 3*n)
		sc.u64 = make([]uint64, 3*n)
		sc.idx = make([]int, 0, n)
	}
	sc.calc = sc.calc[:n]
	sc.dec = sc.dec[:3*n]
	sc.u64 = sc.u64[:3*n]
	clear(sc.calc)
	clear(sc.dec)
}

// release clears what the quote left in the buffers (so the pool holds no request data) and returns them.
func (sc *quoteScratch) release() {
	if cap(sc.calc) > maxPooledLines {
		return
	}
	sc.q, sc.req = quoter{}, Request{}
	clear(sc.lines[:cap(sc.lines)])
	clear(sc.calc[:cap(sc.calc)])
	clear(sc.dec[:cap(sc.dec)])
	sc.lines, sc.idx = sc.lines[:0], sc.idx[:0]
	for i := range sc.groups[:cap(sc.groups)] {
		g := &sc.groups[:cap(sc.groups)][i]
		clear(g.nums[:cap(g.nums)])
		*g = taxGroup{idx: g.idx[:0], nums: g.nums[:0]}
	}
	sc.groups = sc.groups[:0]
	scratchPool.Put(sc)
}

// group returns a cleared tax group for a scope, reusing the buffers of an earlier one; n is the line count.
func (sc *quoteScratch) group(groups []taxGroup, n int) []taxGroup {
	if len(groups) < cap(groups) {
		groups = groups[:len(groups)+1]
		g := &groups[len(groups)-1]
		*g = taxGroup{idx: g.idx[:0], nums: g.nums[:0]}
		return groups
	}
	return append(groups, taxGroup{idx: make([]int, 0, n), nums: make([]decimal.Decimal, 0, n)})
}
