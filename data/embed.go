// Package data carries the seed dataset into the binary. The files under
// seed/ are the source of truth for the first start of a new database; the
// database itself is created beside them at run time (and not committed).
package data

import (
	"embed"
	"io/fs"
)

// SeedName names the dataset in seed/, so that a database records that it
// was loaded and loads it once.
const SeedName = "yangpu-report-2023-01-04"

//go:embed seed/*.csv
var seed embed.FS

// Seed returns the seed dataset: projects.csv and targets.csv.
func Seed() fs.FS {
	sub, err := fs.Sub(seed, "seed")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "seed" is a constant.
		panic(err)
	}
	return sub
}
