// Package static carries the site's style sheet (and any script) into the
// binary, so that a deployment is one file.
package static

import "embed"

//go:embed *.css *.svg *.js
var files embed.FS

// Files returns the static files, served under /static/.
func Files() embed.FS { return files }
