// Package photostest makes the pictures the photos' tests upload: JPEGs
// encoded in the test, with a hand-made EXIF block (orientation, date
// taken, a GPS position), PNGs, and the bad files of the issue.
package photostest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strconv"
)

// Marked is a w × h picture, blue but for its top-left quarter, which is
// red: after turning, where the red is tells which way is up.
func Marked(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{20, 40, 200, 255}
			if x < w/2 && y < h/2 {
				c = color.RGBA{220, 20, 20, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// JPEG is img encoded as a JPEG, with app1 (an APP1 segment's payload,
// such as EXIF's) put after the start of image when not nil.
func JPEG(img image.Image, app1 []byte) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	if app1 == nil {
		return b
	}
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	out := append([]byte{}, b[:2]...)
	out = append(out, seg...)
	out = append(out, app1...)
	return append(out, b[2:]...)
}

// PNG is img encoded as a PNG.
func PNG(img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// EXIF is an APP1 Exif payload (big-endian TIFF) with an orientation, a
// DateTimeOriginal ("2024:05:01 14:30:00"; "" for none) and, when gps is
// set, a GPS directory placing the camera at 31.27° N, 121.52° E (Yangpu).
func EXIF(orientation int, taken string, gps bool) []byte {
	be := binary.BigEndian
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // inline when ≤ 4 bytes, else placed after
	}
	var tiff []byte
	tiff = append(tiff, "MM\x00*"...)
	tiff = be.AppendUint32(tiff, 8)
	// ifd writes a directory at the end of tiff, its larger values after it.
	ifd := func(entries []entry) (pointers []int) {
		start := len(tiff)
		tiff = be.AppendUint16(tiff, uint16(len(entries)))
		dataAt := start + 2 + 12*len(entries) + 4
		var data []byte
		for _, e := range entries {
			tiff = be.AppendUint16(tiff, e.tag)
			tiff = be.AppendUint16(tiff, e.typ)
			tiff = be.AppendUint32(tiff, e.count)
			pointers = append(pointers, len(tiff))
			if len(e.value) <= 4 {
				v := append(append([]byte{}, e.value...), make([]byte, 4-len(e.value))...)
				tiff = append(tiff, v...)
			} else {
				tiff = be.AppendUint32(tiff, uint32(dataAt+len(data)))
				data = append(data, e.value...)
			}
		}
		tiff = be.AppendUint32(tiff, 0) // no next directory
		tiff = append(tiff, data...)
		return pointers
	}
	short := func(v uint16) []byte { return be.AppendUint16(nil, v) }
	long := func(v uint32) []byte { return be.AppendUint32(nil, v) }
	rational := func(n, d uint32) []byte { return be.AppendUint32(be.AppendUint32(nil, n), d) }
	entries := []entry{
		{0x010F, 2, 6, []byte("Phone\x00")},
		{0x0112, 3, 1, short(uint16(orientation))},
		{0x8769, 4, 1, long(0)}, // the Exif directory, filled in below
	}
	if gps {
		entries = append(entries, entry{0x8825, 4, 1, long(0)})
	}
	pointers := ifd(entries)
	if taken != "" {
		be.PutUint32(tiff[pointers[2]:], uint32(len(tiff)))
		ifd([]entry{{0x9003, 2, 20, append([]byte(taken), 0)}})
	} else {
		be.PutUint32(tiff[pointers[2]:], uint32(len(tiff)))
		ifd([]entry{{0xA002, 4, 1, long(1)}})
	}
	if gps {
		be.PutUint32(tiff[pointers[3]:], uint32(len(tiff)))
		ifd([]entry{
			{0x0001, 2, 2, []byte("N\x00")},
			{0x0002, 5, 3, append(append(rational(31, 1), rational(16, 1)...), rational(1200, 100)...)},
			{0x0003, 2, 2, []byte("E\x00")},
			{0x0004, 5, 3, append(append(rational(121, 1), rational(31, 1)...), rational(1200, 100)...)},
		})
	}
	return append([]byte("Exif\x00\x00"), tiff...)
}

// HugePNG is a PNG whose header declares w × h pixels, with no pixels
// after it worth the name: a decompression bomb's first bytes.
func HugePNG(w, h uint32) []byte {
	small := PNG(image.NewGray(image.Rect(0, 0, 1, 1)))
	// IHDR's width and height are at bytes 16–23; its CRC at 29–32 is
	// recomputed so that the header itself is sound.
	binary.BigEndian.PutUint32(small[16:], w)
	binary.BigEndian.PutUint32(small[20:], h)
	binary.BigEndian.PutUint32(small[29:], crc32.ChecksumIEEE(small[12:29]))
	return small
}

// Name is a test file's name: photo-1.jpg.
func Name(i int) string { return "photo-" + strconv.Itoa(i) + ".jpg" }
