package web

import (
	"net"
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

// Identity names the site in the identifiers it hands out that must never
// change: feed entry ids (tag URIs, RFC 4151) and calendar UIDs (RFC 5545).
// The address a reader happens to use is not an identity: the same feed
// read through two names would be two feeds, and two installations would
// hand out the same UIDs.
type Identity struct {
	// Authority is a domain name: the public address's host name when one
	// is configured, or else one made from the installation's name under
	// the reserved .invalid (RFC 6761), which names no real host.
	Authority string
	// Since is the day the identity began, YYYY-MM-DD: the date of a tag
	// URI that names the site itself rather than a dated change.
	Since string
}

// NewIdentity returns the site's identity: from publicURL when it is set
// and names a host (an IP address is not a tag's authority), or else from
// the installation's name, made once and kept in the database.
func NewIdentity(publicURL, installation, since string) Identity {
	if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" && net.ParseIP(u.Hostname()) == nil {
		return Identity{Authority: strings.ToLower(u.Hostname()), Since: since}
	}
	return Identity{Authority: "shuangshi-" + installation + ".invalid", Since: since}
}
