package web

import (
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// LocalPath returns next when it is a path on this site, rebuilt from its
// parts, or "" when it is not, so that a crafted link ("after signing in,
// go to …", "after switching language, go back to …") cannot send a reader
// elsewhere: "//evil.example", "https://…", "/\\evil.example", or a tab or
// newline that browsers drop from a URL ("/<TAB>/evil.example").
func LocalPath(next string) string {
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return ""
		}
	}
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	return u.RequestURI()
}

// SiteURL returns the address of the site for links read away from it (in
// a calendar program, a feed reader or an e-mail): the configured public
// address when there is one, or else the scheme and host the request came
// in on. A Host header that is not a host name or address with an optional
// port is not repeated.
func SiteURL(c echo.Context, public string) string {
	if public != "" {
		return strings.TrimSuffix(public, "/")
	}
	scheme := "http"
	if IsHTTPS(c) {
		scheme = "https"
	}
	host := c.Request().Host
	if u, err := url.Parse("http://" + host); err != nil || u.Host != host || u.User != nil || host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}
