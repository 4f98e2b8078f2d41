package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
	"golang.org/x/sync/singleflight"

	"shuangshi/internal/locale"
)

// PageCache keeps pages as they were made, until the record changes: a
// page is made once per version of the data, not once per request. Every
// request reads the version first, from the database that all servers
// share, so no page is served after the write that changed it has been
// answered, on this server or another.
type PageCache struct {
	version func(context.Context) (int64, error)
	changed func(context.Context) (time.Time, error) // when the data last changed
	// audience tells who shares the page a request gets.
	audience Audience
	// today is the district's date, part of what a page says (overdue,
	// days left), so part of its key.
	today    func() string
	maxBytes int
	// Compression is the gzip level the pages are kept at: the smallest
	// unless set otherwise, for pages served to many; pages made for one
	// reader are made often and served to few, and are better made fast.
	Compression int

	making singleflight.Group // the pages being made, by version and key

	mu    sync.Mutex
	at    int64 // the version the pages were made from
	pages map[string]*Prepared
	bytes int
}

// Audience tells who shares the page a request gets, as the key of the
// readers who get the same page ("" for everyone), or false when the page
// is not one to keep: someone is signed in to a page kept for the public,
// or a message waits to be shown.
type Audience func(echo.Context) (readers string, ok bool)

// NewPageCache returns a cache of at most maxBytes of pages. version reads
// the data version and changed when it last moved; audience tells the
// requests that may be answered from the cache and who shares their page;
// today gives the date the pages are made for.
func NewPageCache(version func(context.Context) (int64, error), changed func(context.Context) (time.Time, error),
	audience Audience, today func() string, maxBytes int) *PageCache {
	return &PageCache{version: version, changed: changed, audience: audience, today: today, maxBytes: maxBytes,
		Compression: gzip.BestCompression, pages: map[string]*Prepared{}}
}

// Middleware answers a GET from the cache when its audience has the page,
// or lets the handler make the page, keeps it if it was a 200, and serves
// it prepared.
func (pc *PageCache) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodGet {
			return next(c)
		}
		readers, ok := pc.audience(c)
		if !ok {
			return next(c)
		}
		version, err := pc.version(r.Context())
		if err != nil {
			return err
		}
		// The host, for the feeds that take their links from the request.
		key := readers + " " + locale.Lang(r.Context()) + " " + pc.today() + " " + r.Host + " " + r.URL.RequestURI()
		if page := pc.get(version, key); page != nil {
			return page.Serve(c)
		}

		// When a page is missing, the requests that want it at once wait
		// for one of them to make it, instead of all making it.
		var handled bool
		var handlerErr error
		made, _, _ := pc.making.Do(strconv.FormatInt(version, 10)+" "+key, func() (any, error) {
			page, err := pc.make(c, next, version, key)
			handled, handlerErr = page == nil, err
			return page, nil
		})
		if handled {
			return handlerErr // this request made the page, and it was not one to keep
		}
		if page, _ := made.(*Prepared); page != nil {
			return page.Serve(c)
		}
		return next(c) // another request made it, and it was not one to keep
	}
}

// make lets the handler make the page, and keeps it if it is a 200. It
// returns nil when the page is not one to keep, after sending the
// handler's answer (or with its error, for the error handler).
func (pc *PageCache) make(c echo.Context, next echo.HandlerFunc, version int64, key string) (*Prepared, error) {
	res := c.Response()
	real := res.Writer
	rec := &recorder{header: real.Header()}
	res.Writer = rec
	// The page is made whole and plain, as the handler would send it to a
	// client with no copy and no gzip: kept, it is compressed once and
	// answers conditional requests itself.
	asked := c.Request()
	plain := asked.Clone(asked.Context())
	for _, h := range []string{echo.HeaderAcceptEncoding, "If-None-Match", echo.HeaderIfModifiedSince} {
		plain.Header.Del(h)
	}
	c.SetRequest(plain)
	err := next(c)
	c.SetRequest(asked)
	res.Writer = real
	if err != nil {
		return nil, err
	}
	if res.Status != http.StatusOK {
		res.Committed = false
		res.WriteHeader(res.Status)
		_, err = real.Write(rec.body.Bytes())
		return nil, err
	}
	// Read after the page was made: the page is no older than this.
	changed, err := pc.changed(c.Request().Context())
	if err != nil {
		return nil, err
	}
	h := real.Header()
	page := PrepareAt(pc.Compression, h.Get(echo.HeaderContentType), bytes.Clone(rec.body.Bytes()), changed, h.Get(echo.HeaderCacheControl))
	page.ContentDisposition = h.Get(echo.HeaderContentDisposition)
	pc.put(version, key, page)
	res.Committed = false
	return page, nil
}

func (pc *PageCache) get(version int64, key string) *Prepared {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if version != pc.at {
		return nil
	}
	return pc.pages[key]
}

// put keeps a page made from version, unless the cache has moved on to a
// newer one. Older pages go when the version moves, and all go when the
// cache is full: the next requests make them again.
func (pc *PageCache) put(version int64, key string, page *Prepared) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if version < pc.at {
		return
	}
	if version > pc.at || pc.bytes+page.Size() > pc.maxBytes {
		pc.at, pc.pages, pc.bytes = version, map[string]*Prepared{}, 0
	}
	if page.Size() > pc.maxBytes {
		return
	}
	if old, ok := pc.pages[key]; ok {
		pc.bytes -= old.Size()
	}
	pc.pages[key] = page
	pc.bytes += page.Size()
}

// recorder takes what a handler writes, to be kept and then sent.
type recorder struct {
	header http.Header
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(int)             {} // echo's Response keeps the status
