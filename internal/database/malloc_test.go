package database

import "testing"

// TestSQLiteMemoryComesFromTwoMallocArenas: on glibc the arenas are
// limited, unless MALLOC_ARENA_MAX says how many.
func TestSQLiteMemoryComesFromTwoMallocArenas(t *testing.T) {
	if !limitMallocArenas(func(string) string { return "" }) {
		t.Error("the malloc arenas were not limited")
	}
	if limitMallocArenas(func(name string) string { return map[string]string{"MALLOC_ARENA_MAX": "8"}[name] }) {
		t.Error("the arenas were limited under MALLOC_ARENA_MAX")
	}
}
