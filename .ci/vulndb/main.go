// Command vulndb makes a vulnerability database that govulncheck reads
// (-db file:///…) from the OSV files of the golang.org/x/vulndb module,
// which CI downloads through the Go module proxy: the machines CI runs on
// reach the proxy but not vuln.go.dev.
//
//	go run ./.ci/vulndb -osv …/golang.org/x/vulndb@…/data/osv -accepted .ci/vulndb/accepted.txt -out DIR
//
// The layout is the Go vulnerability database's (go.dev/doc/security/vuln/database):
// index/db.json, index/modules.json, index/vulns.json and ID/<id>.json.
// The entries listed in the accepted file are left out: findings that were
// read and found not to touch the program, each with its reason.
//
// The index leaves out each module's "fixed" version, which govulncheck
// only uses to skip reading an entry; it reads every entry of a module in
// the build and decides from the entry itself.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// entry is the part of an OSV entry the index needs.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
	} `json:"affected"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
}

type module struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type vuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

func main() {
	osvDir := flag.String("osv", "", "folder of OSV JSON files (golang.org/x/vulndb's data/osv)")
	out := flag.String("out", "", "folder to write the database to")
	acceptedFile := flag.String("accepted", "", "file of the vulnerabilities to leave out: an id and its reason a line, # for comments")
	flag.Parse()
	if err := run(*osvDir, *acceptedFile, *out); err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", err)
		os.Exit(1)
	}
}

func run(osvDir, acceptedFile, out string) error {
	if osvDir == "" || out == "" {
		return errors.New("-osv and -out are required")
	}
	accepted, err := readAccepted(acceptedFile)
	if err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(osvDir, "GO-*.json"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no GO-*.json files in %s", osvDir)
	}
	for _, dir := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(out, dir), 0o755); err != nil {
			return err
		}
	}
	var (
		latest  time.Time
		vulns   []vuln
		modules = map[string]*module{}
	)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var e entry
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if e.ID == "" || !strings.HasPrefix(filepath.Base(f), e.ID) {
			return fmt.Errorf("%s: its id is %q", f, e.ID)
		}
		if reason, ok := accepted[e.ID]; ok {
			fmt.Printf("left out %s: %s\n", e.ID, reason)
			delete(accepted, e.ID)
			continue
		}
		if err := os.WriteFile(filepath.Join(out, "ID", e.ID+".json"), raw, 0o644); err != nil {
			return err
		}
		if e.Modified.After(latest) {
			latest = e.Modified
		}
		vulns = append(vulns, vuln{ID: e.ID, Modified: e.Modified, Aliases: e.Aliases})
		for _, a := range e.Affected {
			path := a.Package.Name
			m := modules[path]
			if m == nil {
				m = &module{Path: path}
				modules[path] = m
			}
			if !slices.ContainsFunc(m.Vulns, func(v moduleVuln) bool { return v.ID == e.ID }) {
				m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: e.Modified})
			}
		}
	}
	var index []*module
	for _, m := range modules {
		index = append(index, m)
	}
	slices.SortFunc(index, func(a, b *module) int { return strings.Compare(a.Path, b.Path) })
	for name, v := range map[string]any{
		"db.json":      map[string]time.Time{"modified": latest},
		"modules.json": index,
		"vulns.json":   vulns,
	} {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "index", name), data, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("%d vulnerabilities of %d modules\n", len(vulns), len(index))
	for id := range accepted {
		// An accepted entry that is gone was withdrawn or renamed: the
		// list should say so.
		return fmt.Errorf("%s is in %s but not in the database", id, acceptedFile)
	}
	return nil
}

// readAccepted reads the accepted file: an id and its reason on each line.
func readAccepted(path string) (map[string]string, error) {
	accepted := map[string]string{}
	if path == "" {
		return accepted, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, " ")
		if !strings.HasPrefix(id, "GO-") || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: want an id (GO-…) and its reason", path, i+1)
		}
		accepted[id] = strings.TrimSpace(reason)
	}
	return accepted, nil
}
