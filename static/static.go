// Package static embeds the CSS, JavaScript and images and serves them at
// content-hashed URLs (/static/<hash>/<name>) with a year-long immutable
// cache: the URL changes whenever the content does.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed css js
var files embed.FS

// Prefix is where assets are served.
const Prefix = "/static/"

type asset struct {
	body  []byte
	hash  string
	ctype string
}

// Assets is the table of embedded files and their hashes.
type Assets struct {
	byName map[string]asset
}

// Load reads and hashes every embedded file.
func Load() (*Assets, error) {
	a := &Assets{byName: map[string]asset{}}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		a.byName[p] = asset{body: body, hash: hex.EncodeToString(sum[:])[:12], ctype: ctype}
		return nil
	})
	return a, err
}

// URL returns the hashed URL of the named asset ("css/app.css"), or "" if
// there is no such asset.
func (a *Assets) URL(name string) string {
	f, ok := a.byName[name]
	if !ok {
		return ""
	}
	return Prefix + f.hash + "/" + name
}

// ServeHTTP serves /static/<hash>/<name>. A current hash is cached for a
// year; an old hash (a page rendered before a deploy) still gets the file,
// but uncached.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, Prefix)
	hash, name, ok := strings.Cut(rest, "/")
	f, found := a.byName[name]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if hash == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
}
