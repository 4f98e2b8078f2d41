// Package static carries the site's style sheet, icon and script into the
// binary, so that a deployment is one file, and names each file after its
// content: a browser may keep site.3f9a1c0b2d4e.css for a year, because a
// changed style sheet gets another name.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"
)

//go:embed *.css *.svg *.js
var files embed.FS

// Files returns the static files, by their plain names.
func Files() embed.FS { return files }

// File is one static file with its content-hashed name.
type File struct {
	Name        string // site.css
	HashedName  string // site.3f9a1c0b2d4e.css
	ContentType string
	Content     []byte
}

// All returns every static file, named by content. The files are read and
// hashed once; they are part of the binary and never change.
var All = sync.OnceValue(func() []File {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic(err) // the embedded folder always reads
	}
	var all []File
	for _, e := range entries {
		content, err := files.ReadFile(e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(content)
		ext := path.Ext(e.Name())
		all = append(all, File{
			Name:        e.Name(),
			HashedName:  strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:6]) + ext,
			ContentType: mime.TypeByExtension(ext),
			Content:     content,
		})
	}
	return all
})

// URL returns the address of a static file under its content-hashed name,
// or under its plain name when there is no such file.
func URL(name string) string {
	for _, f := range All() {
		if f.Name == name {
			return "/static/" + f.HashedName
		}
	}
	return "/static/" + name
}
