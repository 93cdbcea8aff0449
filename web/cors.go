package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// corsMaxAge is how long, in seconds, a browser may keep a preflight's
// answer.
const corsMaxAge = 3600

// corsAllowHeaders are the request headers a browser page on an allowed
// origin may send: REST's bearer token and JSON body, and the headers of
// the AWS SDKs' signed requests.
var corsAllowHeaders = []string{
	echo.HeaderAuthorization, echo.HeaderContentType, "X-Amz-Target", "X-Amz-Date",
	"X-Amz-Content-Sha256", "X-Amz-Security-Token", "X-Amz-User-Agent",
	"amz-sdk-invocation-id", "amz-sdk-request", "Last-Event-ID",
}

// corsExposeHeaders are the response headers such a page may read.
var corsExposeHeaders = []string{
	"X-Amzn-RequestId", "X-Amzn-ErrorType", echo.HeaderXRequestID, echo.HeaderLocation, echo.HeaderRetryAfter,
}

// ParseCORSOrigins reads the values of a --cors-origin flag, each one
// origin or a comma-separated list, into Config.CORSOrigins: "*" (alone:
// every origin) or origins scheme://host[:port], without a path, as
// browsers send them in the Origin header. It lowercases them and drops
// repeats.
func ParseCORSOrigins(values []string) ([]string, error) {
	var origins []string
	seen := map[string]bool{}
	for _, v := range values {
		for _, o := range strings.Split(v, ",") {
			o = strings.ToLower(strings.TrimSpace(o))
			if o == "" || seen[o] {
				continue
			}
			if err := checkOrigin(o); err != nil {
				return nil, err
			}
			seen[o] = true
			origins = append(origins, o)
		}
	}
	if seen["*"] && len(origins) > 1 {
		return nil, fmt.Errorf("CORS origin \"*\" allows every origin: give it alone")
	}
	return origins, nil
}

// checkOrigin refuses what is neither "*" nor an origin.
func checkOrigin(o string) error {
	if o == "*" {
		return nil
	}
	u, err := url.Parse(o)
	switch {
	case err != nil:
		return fmt.Errorf("CORS origin %q: %w", o, err)
	case u.Scheme == "" || u.Host == "" || u.Opaque != "":
		return fmt.Errorf("CORS origin %q: want scheme://host[:port], such as https://app.example.com, or *", o)
	case u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(o, "*?#"):
		return fmt.Errorf("CORS origin %q: an origin is scheme://host[:port] only, without a path, a trailing slash or wildcards", o)
	}
	return nil
}

// cors answers the CORS preflight requests of the REST API (/v1/…) and of
// the AWS protocol endpoint (/) from origins and adds the CORS headers to
// their answers, errors included. Echo's middleware does the protocol:
// the preflight's allowed methods are the router's for the path, and a
// refused origin gets no CORS headers (the browser then withholds the
// answer from the page). Credentials (cookies) are never allowed: API
// keys travel in the Authorization header, which a page sets itself, so
// "*" is safe to offer.
func cors(origins []string) echo.MiddlewareFunc {
	return middleware.CORSWithConfig(middleware.CORSConfig{
		Skipper: func(c echo.Context) bool {
			path := c.Request().URL.Path
			return path != "/" && !strings.HasPrefix(path, "/v1/")
		},
		AllowOrigins:  origins,
		AllowHeaders:  corsAllowHeaders,
		ExposeHeaders: corsExposeHeaders,
		MaxAge:        corsMaxAge,
	})
}
