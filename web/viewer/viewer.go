package viewer

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// The execution viewer: a single-page application built from web/viewer/ui/src
// with `npm run build` into web/viewer/ui/dist, which is committed and embedded,
// so `go build` needs no Node.js. Its pages live under /ui/; GET / sends
// browsers there (POST / stays the AWS protocol endpoint).

//go:embed all:ui/dist
var viewerFiles embed.FS

// Path is where the viewer is served.
const Path = "/ui/"

// viewerCSP is the Content-Security-Policy of every viewer response: only
// the viewer's own scripts and styles, no inline code, no eval, no
// plugins, no framing, and requests only to this server.
const viewerCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// registerViewerPages serves the viewer's files. They hold no data, so
// they need no API key; the pages ask the API with the key the user gives.
func (vw *Viewer) registerViewerPages(e *echo.Echo) {
	dist, err := fs.Sub(viewerFiles, "ui/dist")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	toViewer := func(c echo.Context) error { return c.Redirect(http.StatusFound, Path) }
	e.GET("/", toViewer)
	e.GET("/ui", toViewer)
	e.GET(Path+"*", func(c echo.Context) error { return serveViewerFile(c, dist) })
}

// serveViewerFile answers one file of the viewer; paths that name no file
// get index.html, so a reload of any page works.
func serveViewerFile(c echo.Context, dist fs.FS) error {
	name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
	if name == "" {
		name = "index.html"
	}
	data, err := fs.ReadFile(dist, name)
	if err != nil {
		name = "index.html"
		if data, err = fs.ReadFile(dist, name); err != nil {
			return err
		}
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", viewerCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(http.StatusOK, contentType(name), data)
}

// contentType is the media type of a viewer file.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".json":
		return "application/json"
	}
	return "application/octet-stream"
}
