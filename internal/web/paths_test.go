package web

import "testing"

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/overdue": "/overdue", "/admin/users?x=1": "/admin/users?x=1", "/projects/1#top": "/projects/1",
		"": "", "//evil.example/": "", "https://evil.example": "", "/\\evil.example": "", "overdue": "",
		"/a\r\nSet-Cookie: x": "", "/\t/evil.example/x": "", "/\x7f/x": "", "/%2F%2Fevil.example": "",
	} {
		if got := LocalPath(in); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewIdentity(t *testing.T) {
	const installation = "0123456789abcdef0123456789abcdef"
	for _, c := range []struct {
		publicURL, want string
	}{
		{"https://Shuangshi.Example.gov.cn/", "shuangshi.example.gov.cn"},
		{"https://shuangshi.example.gov.cn:8443/site", "shuangshi.example.gov.cn"},
		// No public address, or one that names no host: the
		// installation's own name.
		{"", "shuangshi-" + installation + ".invalid"},
		{"http://192.0.2.7:8080", "shuangshi-" + installation + ".invalid"},
		{"http://[2001:db8::1]/", "shuangshi-" + installation + ".invalid"},
		{"not a url at all", "shuangshi-" + installation + ".invalid"},
	} {
		got := NewIdentity(c.publicURL, installation, "2026-12-02")
		if got.Authority != c.want || got.Since != "2026-12-02" {
			t.Errorf("NewIdentity(%q) = %+v, want authority %q", c.publicURL, got, c.want)
		}
	}
}
