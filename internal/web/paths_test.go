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
