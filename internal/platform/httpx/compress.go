package httpx

import (
	"bytes"
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// minCompressSize is the smallest body worth compressing: below it gzip's header and checksum outweigh the savings.
const minCompressSize = 1024

// Compress gzips responses of the given media types for clients that accept gzip. A response is buffered and
// compressed in one piece (pages are rendered into a buffer anyway), so a compressor is held only while it
// compresses, not while a handler waits on the database. Compressors come from a small pool that the garbage
// collector does not empty: each costs over 800 KB, and a per-request or GC-cleared pool made them most of the
// server's memory and allocation under load.
func Compress(level int, types ...string) func(http.Handler) http.Handler {
	compressible := map[string]bool{}
	for _, t := range types {
		compressible[t] = true
	}
	pool := newGzipPool(level, runtime.GOMAXPROCS(0))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Accept-Encoding")
			if r.Method == http.MethodHead || !acceptsGzip(r) {
				next.ServeHTTP(w, r)
				return
			}
			cw := &compressWriter{ResponseWriter: w, compressible: compressible}
			next.ServeHTTP(cw, r)
			// Not deferred: when the handler panics, the half-written page it buffered is dropped and Recover
			// (outside) answers with the error page, instead of the fragment going out as a 200.
			cw.finish(pool)
		})
	}
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip (and does not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// compressWriter holds back a compressible response's body until the handler is done, then writes it gzipped
// (or as is when it is small). Other responses pass straight through.
type compressWriter struct {
	http.ResponseWriter
	compressible map[string]bool
	status       int
	decided      bool
	buffering    bool
	buf          *bytes.Buffer
}

func (cw *compressWriter) WriteHeader(status int) {
	if cw.decided {
		return
	}
	cw.status = status
	cw.decide()
}

// decide chooses, at the first WriteHeader or Write, between buffering for compression and passing through.
func (cw *compressWriter) decide() {
	cw.decided = true
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	h := cw.Header()
	media, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if h.Get("Content-Encoding") == "" && cw.compressible[media] && bodyAllowed(cw.status) {
		cw.buffering = true
		cw.buf = bodyBuffers.Get().(*bytes.Buffer)
		cw.buf.Reset()
		return
	}
	cw.ResponseWriter.WriteHeader(cw.status)
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

func (cw *compressWriter) Write(p []byte) (int, error) {
	if !cw.decided {
		if cw.Header().Get("Content-Type") == "" {
			cw.Header().Set("Content-Type", http.DetectContentType(p))
		}
		cw.decide()
	}
	if cw.buffering {
		return cw.buf.Write(p)
	}
	return cw.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (cw *compressWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

// finish writes a buffered body, compressed when it is large enough.
func (cw *compressWriter) finish(pool *gzipPool) {
	if !cw.buffering {
		return
	}
	defer bodyBuffers.Put(cw.buf)
	h := cw.Header()
	h.Del("Content-Length")
	if cw.buf.Len() < minCompressSize {
		h.Set("Content-Length", strconv.Itoa(cw.buf.Len()))
		cw.ResponseWriter.WriteHeader(cw.status)
		_, _ = cw.ResponseWriter.Write(cw.buf.Bytes())
		return
	}
	out := bodyBuffers.Get().(*bytes.Buffer)
	out.Reset()
	defer bodyBuffers.Put(out)
	zw := pool.get(out)
	_, err := zw.Write(cw.buf.Bytes())
	if err == nil {
		err = zw.Close()
	}
	pool.put(zw)
	if err != nil {
		// Compressing into memory cannot fail short of a bug; send the page as it is rather than nothing.
		h.Set("Content-Length", strconv.Itoa(cw.buf.Len()))
		cw.ResponseWriter.WriteHeader(cw.status)
		_, _ = cw.ResponseWriter.Write(cw.buf.Bytes())
		return
	}
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(out.Len()))
	cw.ResponseWriter.WriteHeader(cw.status)
	_, _ = cw.ResponseWriter.Write(out.Bytes())
}

// bodyBuffers recycles response buffers between requests.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// gzipPool keeps up to a fixed number of idle gzip writers. Unlike a sync.Pool it survives garbage collections,
// and unlike allocating per request it keeps their memory bounded and reused.
type gzipPool struct {
	level int
	idle  chan *gzip.Writer
}

func newGzipPool(level, size int) *gzipPool {
	return &gzipPool{level: level, idle: make(chan *gzip.Writer, size)}
}

func (p *gzipPool) get(w io.Writer) *gzip.Writer {
	select {
	case zw := <-p.idle:
		zw.Reset(w)
		return zw
	default:
		zw, err := gzip.NewWriterLevel(w, p.level)
		if err != nil { // only for an invalid level, which is a programming error
			panic(err)
		}
		return zw
	}
}

func (p *gzipPool) put(zw *gzip.Writer) {
	zw.Reset(io.Discard)
	select {
	case p.idle <- zw:
	default: // enough idle writers already; let this one go
	}
}
