package photos

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"testing"
	"time"

	"shuangshi/internal/photos/photostest"
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestProcessRefusesBadFiles: each bad input of the issue is refused with
// its reason, before or without decoding what it declares.
func TestProcessRefusesBadFiles(t *testing.T) {
	good := photostest.JPEG(photostest.Marked(64, 48), nil)
	zipHeader := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00payload.class")
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"text named .jpg", []byte("this is not a picture, whatever its name says"), ErrNotImage},
		{"empty", nil, ErrNotImage},
		{"HTML", []byte("<!doctype html><script>alert(1)</script>"), ErrNotImage},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), ErrNotImage},
		{"truncated JPEG", good[:len(good)/2], ErrDamaged},
		{"JPEG header only", good[:20], ErrDamaged},
		{"PNG declaring 100,000 × 100,000", photostest.HugePNG(100_000, 100_000), ErrTooManyPixels},
		{"PNG declaring 8,000 × 7,000", photostest.HugePNG(8_000, 7_000), ErrTooManyPixels},
		{"JPEG with a ZIP appended", append(append([]byte{}, good...), zipHeader...), ErrPolyglot},
		{"JPEG with HTML appended", append(append([]byte{}, good...), []byte("<html><script>alert(1)</script>")...), ErrPolyglot},
		{"PNG with a JAR appended", append(photostest.PNG(photostest.Marked(8, 8)), zipHeader...), ErrPolyglot},
	}
	p := NewProcessor(DefaultPixelBudget, shanghai(t))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Process(context.Background(), tc.data)
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// TestProcessAccepts: pictures taken, with what padding and extra images
// phones leave after them.
func TestProcessAccepts(t *testing.T) {
	good := photostest.JPEG(photostest.Marked(64, 48), nil)
	cases := []struct {
		name string
		data []byte
	}{
		{"JPEG", good},
		{"JPEG padded with NULs", append(append([]byte{}, good...), 0, 0, 0, 0)},
		{"JPEG with a second JPEG after it (Multi-Picture)", append(append([]byte{}, good...), good...)},
		{"JPEG with a maker's binary trailer", append(append([]byte{}, good...), []byte("\x00\x00\x01\x0aImage_UTC_Data1714545000000SEFHSEFT")...)},
		{"PNG", photostest.PNG(photostest.Marked(30, 20))},
	}
	p := NewProcessor(DefaultPixelBudget, shanghai(t))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := p.Process(context.Background(), tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if Sniff(out.Full) != JPEG || Sniff(out.Thumb) != JPEG {
				t.Errorf("the copies are not JPEGs")
			}
		})
	}
}

// TestProcessStripsMetadataAndTurnsUpright: a photo with a GPS position,
// a date and orientation 6 (turn 90° clockwise) comes out upright, with
// no APP1 segment at all, its date read first.
func TestProcessStripsMetadataAndTurnsUpright(t *testing.T) {
	loc := shanghai(t)
	for _, tc := range []struct {
		orientation int
		w, h        int
		redX, redY  float64 // where the red quarter ends up, as a share of the size
	}{
		{1, 80, 40, 0.25, 0.25},
		{3, 80, 40, 0.75, 0.75},
		{6, 80, 40, 0.75, 0.25},
		{8, 80, 40, 0.25, 0.75},
		{2, 80, 40, 0.75, 0.25},
	} {
		data := photostest.JPEG(photostest.Marked(tc.w, tc.h), photostest.EXIF(tc.orientation, "2024:05:01 14:30:00", true))
		if !bytes.Contains(data, []byte("Exif")) {
			t.Fatal("the test's photo has no EXIF")
		}
		out, err := NewProcessor(DefaultPixelBudget, loc).Process(context.Background(), data)
		if err != nil {
			t.Fatal(err)
		}
		if HasAPP1(out.Full) || HasAPP1(out.Thumb) {
			t.Errorf("orientation %d: a copy keeps an APP1 segment", tc.orientation)
		}
		want := time.Date(2024, 5, 1, 14, 30, 0, 0, loc)
		if out.Taken == nil || !out.Taken.Equal(want) {
			t.Errorf("orientation %d: taken %v, want %v", tc.orientation, out.Taken, want)
		}
		img, err := jpeg.Decode(bytes.NewReader(out.Full))
		if err != nil {
			t.Fatal(err)
		}
		w, h := tc.w, tc.h
		if tc.orientation >= 5 {
			w, h = h, w
		}
		if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
			t.Errorf("orientation %d: %v, want %d × %d", tc.orientation, b, w, h)
		}
		if !red(img, int(tc.redX*float64(w)), int(tc.redY*float64(h))) {
			t.Errorf("orientation %d: the red quarter is not at (%.2f, %.2f)", tc.orientation, tc.redX, tc.redY)
		}
	}
}

func red(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r>>8 > 150 && g>>8 < 90 && b>>8 < 90
}

func TestProcessBoundsTheLongSide(t *testing.T) {
	out, err := NewProcessor(DefaultPixelBudget, time.UTC).Process(context.Background(), photostest.JPEG(photostest.Marked(3000, 1000), nil))
	if err != nil {
		t.Fatal(err)
	}
	if out.FullWidth != FullSide || out.FullHeight != 853 || out.ThumbWidth != ThumbSide || out.ThumbHeight != 159 {
		t.Errorf("full %d × %d, thumb %d × %d", out.FullWidth, out.FullHeight, out.ThumbWidth, out.ThumbHeight)
	}
}

func TestTakenAt(t *testing.T) {
	loc := shanghai(t)
	for _, tc := range []struct {
		info exifInfo
		want string
	}{
		{exifInfo{Taken: "2024:05:01 14:30:00"}, "2024-05-01T14:30:00+08:00"},
		{exifInfo{Taken: "2024:05:01 14:30:00", OffsetTaken: "+09:00"}, "2024-05-01T14:30:00+09:00"},
		{exifInfo{Taken: "    :  :     :  :  "}, ""},
		{exifInfo{Taken: "0000:00:00 00:00:00"}, ""},
		{exifInfo{Taken: "2024:13:01 14:30:00"}, ""},
		{exifInfo{}, ""},
	} {
		got, ok := tc.info.takenAt(loc)
		s := ""
		if ok {
			s = got.Format(time.RFC3339)
		}
		if s != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.info, s, tc.want)
		}
	}
}

func FuzzReadExif(f *testing.F) {
	f.Add(photostest.EXIF(6, "2024:05:01 14:30:00", true)[6:])
	f.Fuzz(func(t *testing.T, b []byte) { readExif(b) })
}

func FuzzProcess(f *testing.F) {
	f.Add(photostest.JPEG(photostest.Marked(16, 16), photostest.EXIF(6, "2024:05:01 14:30:00", true)))
	f.Add(photostest.PNG(photostest.Marked(16, 16)))
	p := NewProcessor(DefaultPixelBudget, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) { p.Process(context.Background(), b) })
}
