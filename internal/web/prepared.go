package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
)

// Prepared is a response made once and sent many times: a static file, or a
// page kept until the data changes. Its body is compressed once, not for
// every request, and it answers conditional requests with 304.
type Prepared struct {
	ContentType        string
	ContentDisposition string
	Body               []byte
	// Gzipped is Body compressed, or nil when that would not be smaller.
	Gzipped      []byte
	ETag         string    // strong, quoted
	LastModified time.Time // zero for none
	CacheControl string

	// The header's values, made at the first Serve (the fields above are
	// set by then) rather than at every one: a kept page is served
	// thousands of times a second.
	once   sync.Once
	header preparedHeader
}

// preparedHeader are a Prepared's header values, each as the header holds
// it, for the plain body and the compressed one.
type preparedHeader struct {
	contentType, contentDisposition, lastModified, cacheControl []string
	etag, gzipETag, plainLength, gzipLength                     []string
}

// Header keys as net/http writes them, so that setting them needs no
// canonicalizing.
const (
	headerETag         = "Etag"
	headerContentLen   = "Content-Length"
	headerContentEnc   = "Content-Encoding"
	headerLastModified = "Last-Modified"
)

var (
	gzipEncoding = []string{"gzip"}
	noCompress   = []string{"1"}
)

func (p *Prepared) headerValues() *preparedHeader {
	p.once.Do(func() {
		h := &p.header
		one := func(v string) []string {
			if v == "" {
				return nil
			}
			return []string{v}
		}
		h.contentType, h.contentDisposition, h.cacheControl = one(p.ContentType), one(p.ContentDisposition), one(p.CacheControl)
		if !p.LastModified.IsZero() {
			h.lastModified = one(p.LastModified.Format(http.TimeFormat))
		}
		h.etag, h.gzipETag = one(p.ETag), one(gzipETag(p.ETag))
		h.plainLength, h.gzipLength = one(strconv.Itoa(len(p.Body))), one(strconv.Itoa(len(p.Gzipped)))
	})
	return &p.header
}

// minCompressed is the size under which a body is sent as it is: the
// headers of a compressed answer would cost more than they save.
const minCompressed = 1024

// Prepare makes a Prepared of body, compressed to the smallest: once per
// body, for many readers.
func Prepare(contentType string, body []byte, lastModified time.Time, cacheControl string) *Prepared {
	return PrepareAt(gzip.BestCompression, contentType, body, lastModified, cacheControl)
}

// PrepareAt makes a Prepared of body, compressed at level (gzip's).
func PrepareAt(level int, contentType string, body []byte, lastModified time.Time, cacheControl string) *Prepared {
	sum := sha256.Sum256(body)
	p := &Prepared{
		ContentType: contentType, Body: body, CacheControl: cacheControl,
		ETag:         `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`,
		LastModified: lastModified.UTC().Truncate(time.Second),
	}
	if len(body) >= minCompressed && compressible(contentType) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, level)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			p.Gzipped = buf.Bytes()
		}
	}
	return p
}

func compressible(contentType string) bool {
	for _, prefix := range []string{"text/", "application/json", "application/javascript", "image/svg+xml", "application/atom+xml", "application/xml"} {
		if strings.HasPrefix(contentType, prefix) {
			return true
		}
	}
	return false
}

// Size is the memory the prepared response holds.
func (p *Prepared) Size() int { return len(p.Body) + len(p.Gzipped) }

// Serve sends p, or 304 Not Modified when the request already has it.
func (p *Prepared) Serve(c echo.Context) error {
	values := p.headerValues()
	h := c.Response().Header()
	h[echo.HeaderContentType] = values.contentType
	// The plain and the compressed body are two representations, so each
	// has its own strong validator (RFC 9110 §8.8.3).
	gzipped := p.Gzipped != nil && acceptsGzip(c.Request())
	etag := values.etag
	if gzipped {
		etag = values.gzipETag
	} else {
		// Sent as decided here: the compressing middleware would send
		// another representation under this one's validator.
		h[gzhttp.HeaderNoCompression] = noCompress
	}
	h[headerETag] = etag
	if values.lastModified != nil {
		h[headerLastModified] = values.lastModified
	}
	if values.cacheControl != nil {
		h[echo.HeaderCacheControl] = values.cacheControl
	}
	if values.contentDisposition != nil {
		h[echo.HeaderContentDisposition] = values.contentDisposition
	}
	AddVary(h, echo.HeaderAcceptEncoding)
	if notModified(c.Request(), etag[0], p.LastModified) {
		return c.NoContent(http.StatusNotModified)
	}
	body, length := p.Body, values.plainLength
	if gzipped {
		// The compressing middleware leaves an answer that has an
		// encoding as it is.
		h[headerContentEnc] = gzipEncoding
		body, length = p.Gzipped, values.gzipLength
	}
	h[headerContentLen] = length
	c.Response().WriteHeader(http.StatusOK)
	_, err := c.Response().Write(body)
	return err
}

// notModified follows RFC 9110 §13.2.2: If-None-Match decides when
// present, If-Modified-Since otherwise. etag is the validator of the
// representation about to be sent.
func notModified(r *http.Request, etag string, lastModified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == etag || tag == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !lastModified.IsZero() {
		if t, err := http.ParseTime(ims); err == nil {
			return !lastModified.After(t)
		}
	}
	return false
}

// gzipETag is the validator of the compressed representation of the body
// whose validator is etag: "-gzip" inside the quotes, as gzhttp.SuffixETag
// marks the answers it compresses.
func gzipETag(etag string) string {
	return strings.TrimSuffix(etag, `"`) + `-gzip"`
}

// AddVary adds field to the Vary header unless it is there already: the
// compressing middleware adds Accept-Encoding to every answer, and a
// field listed twice is sent twice.
func AddVary(h http.Header, field string) {
	for _, v := range h.Values(echo.HeaderVary) {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, field) {
				return
			}
		}
	}
	h.Add(echo.HeaderVary, field)
}

// acceptsGzip reports whether the client takes gzip, and does not refuse
// it with q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get(echo.HeaderAcceptEncoding), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") || strings.TrimSpace(coding) == "*" {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// WeakValidator gives a download written as it is read a weak validator
// (RFC 9110 §8.8.1) made from what its content follows from, such as the
// record's version and the reader's language: weak, because the same
// content may be written with another date in it. It answers 304 and
// reports true when the request holds that validator, compressed or not;
// otherwise it sets the ETag for the answer to come.
func WeakValidator(c echo.Context, opaque string) bool {
	etag := `"` + opaque + `"`
	for _, held := range []string{etag, gzipETag(etag)} {
		if notModified(c.Request(), held, time.Time{}) {
			c.Response().Header().Set("ETag", "W/"+held)
			c.Response().WriteHeader(http.StatusNotModified)
			return true
		}
	}
	c.Response().Header().Set("ETag", "W/"+etag)
	return false
}
