// Package web embeds the shop's static assets (stylesheet, script, icons) and serves them under content-hashed
// names, so that browsers may cache them forever and a new release is fetched at once.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

//go:embed static
var files embed.FS

type asset struct {
	body, gzipped []byte
	contentType   string
}

type assetSet struct {
	byHashed map[string]*asset // "app.3f2a9c1e.css" → asset
	urls     map[string]string // "app.css" → "/static/app.3f2a9c1e.css"
}

var loadAssets = sync.OnceValue(func() *assetSet {
	set := &assetSet{byHashed: map[string]*asset{}, urls: map[string]string{}}
	err := fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		a := &asset{body: body, contentType: mime.TypeByExtension(ext)}
		if compressible(a.contentType) {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(body)
			_ = zw.Close()
			a.gzipped = buf.Bytes()
		}
		set.byHashed[hashed] = a
		set.urls[name] = "/static/" + hashed
		return nil
	})
	if err != nil {
		panic("web: embedded assets unreadable: " + err.Error())
	}
	return set
})

func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || strings.Contains(contentType, "javascript") ||
		strings.Contains(contentType, "svg") || strings.Contains(contentType, "json")
}

// Asset returns the URL of a static file under its content-hashed name, e.g. Asset("app.css") =
// "/static/app.3f2a9c1e.css". It panics for a file that is not embedded: that is a bug caught by any test that
// renders the page.
func Asset(name string) string {
	u, ok := loadAssets().urls[name]
	if !ok {
		panic("web: no static asset " + name)
	}
	return u
}

// Handler serves /static/{hashed name} with immutable caching, gzip-compressed when the client accepts it.
func Handler() http.Handler {
	set := loadAssets()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := set.byHashed[strings.TrimPrefix(r.URL.Path, "/static/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("Vary", "Accept-Encoding")
		body := a.body
		if a.gzipped != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h.Set("Content-Encoding", "gzip")
			body = a.gzipped
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(body)
	})
}
