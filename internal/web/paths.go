package web

import (
	"net/url"
	"strings"
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
