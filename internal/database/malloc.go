package database

/*
#include <malloc.h>

// limit_malloc_arenas keeps glibc's malloc to two arenas; it returns 1 when
// it did, and -1 where the C library has no such setting.
static int limit_malloc_arenas(void) {
#ifdef M_ARENA_MAX
	return mallopt(M_ARENA_MAX, 2);
#else
	return -1;
#endif
}
*/
import "C"

// limitMallocArenas keeps the C library's allocator, which SQLite's page
// caches and statements come from, to two arenas, unless MALLOC_ARENA_MAX
// (read by getenv) says otherwise. glibc gives each thread that allocates
// at once an arena of its own, up to eight per CPU, and Go runs the
// connections' cgo calls on many threads: each arena kept the memory freed
// in it, and at 100,000 projects they held 4-5 MB more at the server's
// peak than two did (88 against 92 MB). It reports whether the limit was
// set.
func limitMallocArenas(getenv func(string) string) bool {
	if getenv("MALLOC_ARENA_MAX") != "" {
		return false
	}
	return C.limit_malloc_arenas() == 1
}
