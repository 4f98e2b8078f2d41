package photos

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"time"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/webp"
	"golang.org/x/sync/semaphore"

	"shuangshi/internal/errkind"
)

// What an upload may be, and what the server makes of it.
const (
	// MaxPixels is the most pixels a picture may declare: a 50-megapixel
	// camera's. A decoded picture takes 1.5 to 4 bytes a pixel, so this
	// bounds what one decoding may take before it starts.
	MaxPixels = 50_000_000
	// FullSide and ThumbSide bound the long side of the copies served.
	FullSide  = 2560
	ThumbSide = 480
	// fullQuality and thumbQuality are the JPEG qualities of the copies.
	fullQuality  = 82
	thumbQuality = 78
)

// The reasons a file is refused, each with its message by the field.
var (
	ErrNotImage      = errkind.New(errkind.Invalid, "not a JPEG, PNG or WebP picture")
	ErrDamaged       = errkind.New(errkind.Invalid, "the picture is damaged or incomplete")
	ErrTooManyPixels = errkind.New(errkind.Invalid, "the picture has too many pixels")
	ErrPolyglot      = errkind.New(errkind.Invalid, "the file carries something besides the picture")
	ErrTooLarge      = errkind.New(errkind.Invalid, "the file is too large")
)

// Format is a picture's format, known by its first bytes.
type Format string

// The formats taken.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	WebP Format = "webp"
)

// Sniff tells a picture's format by its content, whatever its name or
// the type the browser sent; "" for anything else.
func Sniff(data []byte) Format {
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		return JPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP
	}
	return ""
}

// Processed is a picture made fit to serve: two JPEGs without metadata,
// upright, each named by the SHA-256 of its bytes.
type Processed struct {
	Full, Thumb               []byte
	FullHash, ThumbHash       string
	FullWidth, FullHeight     int
	ThumbWidth, ThumbHeight   int
	Taken                     *time.Time // the camera's date, if it gave one
	SourceWidth, SourceHeight int
	SourceFormat              Format
	orientation               int
	progressive               bool
	sourcePixels              int64
}

// Processor checks and re-encodes pictures, a bounded number of pixels at
// a time: decoding takes memory in proportion to the pixels, and eight
// phones uploading at once must not take the server's memory with them.
type Processor struct {
	// decoding holds the pixels being decoded and scaled; a picture waits
	// for room (or for its request to end).
	decoding *semaphore.Weighted
	budget   int64
	// Location reads a camera's date that has no zone.
	Location *time.Location
}

// DefaultPixelBudget is how many source pixels are decoded at once: one
// 12-megapixel photo (about 40 MB while decoded and scaled). Two at once
// took eight concurrent uploads past 200 MB of peak RSS on a server
// holding 10,000 projects (the benchmark's photo upload); one at a time
// keeps them under it, and leaves a core of a small server to the pages.
const DefaultPixelBudget = 12_000_000

// NewProcessor returns a processor that decodes at most budget pixels at
// once; a picture larger than the budget is decoded alone.
func NewProcessor(budget int64, loc *time.Location) *Processor {
	return &Processor{decoding: semaphore.NewWeighted(budget), budget: budget, Location: loc}
}

// Process checks a file and makes its served copies. It returns
// ErrNotImage, ErrDamaged, ErrTooManyPixels or ErrPolyglot for a file
// refused, or ctx's error when the request ended while it waited.
//
// The checks, in order: the format by content (JPEG, PNG, WebP); the size
// the header declares (image.DecodeConfig), refused beyond MaxPixels
// before anything is decoded; the whole picture decoded; nothing after
// the picture's end but padding (a polyglot, such as a JPEG with a ZIP,
// a JAR or an HTML page appended, is refused: its picture may be fine, but
// a file made to be two things is not a photo from a site). What is
// served is then made anew from the pixels alone, so that nothing of the
// file (EXIF and its GPS position, comments, embedded scripts, colour
// profiles) survives.
func (p *Processor) Process(ctx context.Context, data []byte) (Processed, error) {
	format := Sniff(data)
	if format == "" {
		return Processed{}, ErrNotImage
	}
	var cfg image.Config
	var err error
	switch format {
	case JPEG:
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case PNG:
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	case WebP:
		cfg, err = webp.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return Processed{}, ErrDamaged
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Processed{}, ErrDamaged
	}
	pixels := int64(cfg.Width) * int64(cfg.Height)
	if pixels > MaxPixels {
		return Processed{}, ErrTooManyPixels
	}
	out := Processed{SourceWidth: cfg.Width, SourceHeight: cfg.Height, SourceFormat: format, sourcePixels: pixels}
	var end int
	switch format {
	case JPEG:
		var segs jpegSegments
		segs, err = walkJPEG(data)
		if err != nil {
			return Processed{}, ErrDamaged
		}
		end, out.progressive = segs.end, segs.progressive
		info := readExif(segs.exif)
		out.orientation = info.Orientation
		if t, ok := info.takenAt(p.Location); ok {
			out.Taken = &t
		}
	case PNG:
		end, err = pngEnd(data)
	case WebP:
		end, err = webpEnd(data)
	}
	if err != nil {
		return Processed{}, ErrDamaged
	}
	if carriesAnotherFile(data[end:]) {
		return Processed{}, ErrPolyglot
	}

	// A progressive JPEG keeps every coefficient while it decodes: about
	// four times a baseline one's memory.
	weight := pixels
	if out.progressive {
		weight *= 4
	}
	weight = min(weight, p.budget)
	if err := p.decoding.Acquire(ctx, weight); err != nil {
		return Processed{}, err
	}
	defer p.decoding.Release(weight)
	src, err := decode(format, data)
	if err != nil {
		return Processed{}, ErrDamaged
	}
	full := upright(src, out.orientation, FullSide)
	src = nil // the decoded source is the largest thing held: let it go
	thumb := scaled(full, ThumbSide)
	if out.Full, err = encode(full, fullQuality); err != nil {
		return Processed{}, err
	}
	if out.Thumb, err = encode(thumb, thumbQuality); err != nil {
		return Processed{}, err
	}
	out.FullWidth, out.FullHeight = full.Bounds().Dx(), full.Bounds().Dy()
	out.ThumbWidth, out.ThumbHeight = thumb.Bounds().Dx(), thumb.Bounds().Dy()
	out.FullHash, out.ThumbHash = hashOf(out.Full), hashOf(out.Thumb)
	return out, nil
}

func decode(format Format, data []byte) (image.Image, error) {
	switch format {
	case JPEG:
		return jpeg.Decode(bytes.NewReader(data))
	case PNG:
		return png.Decode(bytes.NewReader(data))
	case WebP:
		return webp.Decode(bytes.NewReader(data))
	}
	return nil, ErrNotImage
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func encode(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality})
	return buf.Bytes(), err
}

// fit is the size of a w × h picture with its long side at most side.
func fit(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, max(1, int(int64(h)*int64(side)/int64(w)))
	}
	return max(1, int(int64(w)*int64(side)/int64(h))), side
}

// upright draws src turned as EXIF's orientation says and scaled to a
// long side of at most side, in one pass (one copy of the pixels, not
// one per step), on white: a transparent PNG becomes a JPEG on white.
func upright(src image.Image, orientation, side int) *image.RGBA {
	b := src.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	// m takes a source point (relative to its corner) to the upright one.
	var m f64.Aff3
	turned := false
	switch orientation {
	case 2: // mirrored
		m = f64.Aff3{-1, 0, w, 0, 1, 0}
	case 3: // turned 180°
		m = f64.Aff3{-1, 0, w, 0, -1, h}
	case 4: // mirrored top to bottom
		m = f64.Aff3{1, 0, 0, 0, -1, h}
	case 5: // transposed
		m, turned = f64.Aff3{0, 1, 0, 1, 0, 0}, true
	case 6: // to be turned 90° clockwise
		m, turned = f64.Aff3{0, -1, h, 1, 0, 0}, true
	case 7: // transversed
		m, turned = f64.Aff3{0, -1, h, -1, 0, w}, true
	case 8: // to be turned 90° anticlockwise
		m, turned = f64.Aff3{0, 1, 0, -1, 0, w}, true
	default:
		m = f64.Aff3{1, 0, 0, 0, 1, 0}
	}
	uw, uh := b.Dx(), b.Dy()
	if turned {
		uw, uh = uh, uw
	}
	dw, dh := fit(uw, uh, side)
	sx, sy := float64(dw)/float64(uw), float64(dh)/float64(uh)
	// Scale after turning, and start from the source's corner.
	m = f64.Aff3{
		m[0] * sx, m[1] * sx, m[2]*sx - (m[0]*float64(b.Min.X)+m[1]*float64(b.Min.Y))*sx,
		m[3] * sy, m[4] * sy, m[5]*sy - (m[3]*float64(b.Min.X)+m[4]*float64(b.Min.Y))*sy,
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	op := draw.Src
	if !opaque(src) {
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		op = draw.Over
	}
	// Bilinear, not a finer kernel: it has fast paths for the decoders'
	// own pixel layouts (a 12-megapixel JPEG in well under a second, where
	// Catmull-Rom takes ten), and the copy is at most 1.6 times smaller
	// than a phone's 12 megapixels, where the difference does not show.
	if orientation <= 1 {
		draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, op, nil)
	} else {
		draw.ApproxBiLinear.Transform(dst, m, src, b, op, nil)
	}
	return dst
}

// scaled is img with its long side at most side.
func scaled(img *image.RGBA, side int) *image.RGBA {
	w, h := fit(img.Bounds().Dx(), img.Bounds().Dy(), side)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	return dst
}

// opaque reports whether img has no transparent pixel; a JPEG never has.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// jpegSegments is what walking a JPEG's markers finds.
type jpegSegments struct {
	end         int    // just after EOI
	exif        []byte // the first Exif APP1's TIFF data, or nil
	progressive bool
}

// walkJPEG follows a JPEG's segments to its end of image (EOI), noting
// the Exif block and whether it is progressive. Within entropy-coded
// data a marker is 0xFF followed by neither 0x00 (a stuffed byte) nor a
// restart (0xD0–0xD7).
func walkJPEG(data []byte) (jpegSegments, error) {
	var s jpegSegments
	i := 2
	for {
		// Fill bytes (0xFF) may stand before a marker.
		for i < len(data) && data[i] == 0xFF {
			i++
		}
		if i >= len(data) || data[i-1] != 0xFF {
			return s, ErrDamaged
		}
		marker := data[i]
		i++
		switch {
		case marker == 0xD9: // EOI
			s.end = i
			return s, nil
		case marker >= 0xD0 && marker <= 0xD7, marker == 0x01:
			continue // no length
		}
		if i+2 > len(data) {
			return s, ErrDamaged
		}
		length := int(binary.BigEndian.Uint16(data[i:]))
		if length < 2 || i+length > len(data) {
			return s, ErrDamaged
		}
		payload := data[i+2 : i+length]
		i += length
		switch {
		case marker == 0xE1 && s.exif == nil && bytes.HasPrefix(payload, []byte("Exif\x00\x00")):
			s.exif = payload[6:]
		case marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE:
			s.progressive = true
		case marker == 0xDA: // SOS: entropy-coded data follows, to the next marker
			for {
				if i+1 >= len(data) {
					return s, ErrDamaged
				}
				if data[i] == 0xFF && data[i+1] != 0x00 && (data[i+1] < 0xD0 || data[i+1] > 0xD7) {
					break
				}
				i++
			}
		}
	}
}

// pngEnd is the offset just after a PNG's IEND chunk.
func pngEnd(data []byte) (int, error) {
	i := 8
	for i+12 <= len(data) {
		length := int64(binary.BigEndian.Uint32(data[i:]))
		typ := string(data[i+4 : i+8])
		next := int64(i) + 12 + length
		if next > int64(len(data)) {
			return 0, ErrDamaged
		}
		i = int(next)
		if typ == "IEND" {
			return i, nil
		}
	}
	return 0, ErrDamaged
}

// webpEnd is the end of a WebP's RIFF container, by its declared size.
func webpEnd(data []byte) (int, error) {
	size := int64(binary.LittleEndian.Uint32(data[4:8])) + 8
	size += size & 1 // chunks are padded to an even size
	if size > int64(len(data)) {
		if size-1 == int64(len(data)) {
			return len(data), nil
		}
		return 0, ErrDamaged
	}
	return int(size), nil
}

// signatures are the starts of files and markup that have no business
// after a photo: archives (ZIP, and so JAR, DOCX, APK: a GIFAR's second
// half), documents, programs, and markup a browser would run.
var signatures = [][]byte{
	[]byte("PK\x03\x04"), []byte("PK\x05\x06"), []byte("PK\x07\x08"), []byte("Rar!"), []byte("7z\xbc\xaf"),
	[]byte("\x1f\x8b\x08"), []byte("%PDF-"), []byte("\x7fELF"), []byte("\xca\xfe\xba\xbe"), []byte("GIF8"),
	[]byte("\x89PNG"), []byte("<html"), []byte("<script"), []byte("<!doctype"), []byte("<svg"), []byte("<?xml"),
	[]byte("<?php"), []byte("<iframe"), []byte("<body"), []byte("<object"), []byte("<embed"), []byte("javascript:"),
}

// carriesAnotherFile reports whether what follows a picture's end holds
// another file. Phones put more after a photo's end: further JPEGs (a
// Multi-Picture file's depth map or preview), which are followed and
// checked in turn, and trailers of their own (Samsung's), which hold none
// of the signatures; neither is served, as the copies are made from the
// pixels. What holds the start of an archive, a document, a program or
// markup is a polyglot, and refused.
func carriesAnotherFile(rest []byte) bool {
	for Sniff(rest) == JPEG {
		segs, err := walkJPEG(rest)
		if err != nil {
			return true // not a picture after all
		}
		rest = rest[segs.end:]
	}
	lower := bytes.ToLower(rest)
	for _, sig := range signatures {
		if bytes.Contains(lower, bytes.ToLower(sig)) {
			return true
		}
	}
	return false
}

// HasAPP1 reports whether a JPEG has an APP1 segment (EXIF's, or XMP's)
// before its image data: what a served copy must never have.
func HasAPP1(data []byte) bool {
	i := 2
	for i+4 <= len(data) && data[i] == 0xFF {
		marker := data[i+1]
		if marker == 0xDA || marker == 0xD9 {
			return false
		}
		if marker == 0xE1 {
			return true
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	return false
}
