package photos

import (
	"encoding/binary"
	"time"
)

// The camera's EXIF block is read for two tags only: the orientation, to
// turn the picture upright, and the date it was taken, kept for staff.
// Everything else in it (above all the GPS position) is dropped with the
// rest of the metadata when the picture is encoded again. Two tags do not
// earn a library that parses the whole tree of tags (and brings its own
// dependencies): this reader follows at most two directories, checks
// every offset against the block's length, and gives up quietly on
// anything it does not understand, which leaves the picture as stored and
// its date unknown.

// exifInfo is what the reader takes from an EXIF block.
type exifInfo struct {
	// Orientation is EXIF's 1–8 (1: as stored); 0 when absent.
	Orientation int
	// Taken is DateTimeOriginal as written ("2024:05:01 14:30:00"), and
	// OffsetTaken its zone ("+08:00") when the camera wrote one.
	Taken       string
	OffsetTaken string
}

// The tags read, and the pointer to the Exif directory.
const (
	tagOrientation        = 0x0112
	tagExifIFD            = 0x8769
	tagDateTimeOriginal   = 0x9003
	tagOffsetTimeOriginal = 0x9011
	maxIFDEntries         = 512
)

// readExif reads the TIFF structure of an APP1 Exif segment's payload
// (after "Exif\x00\x00").
func readExif(tiff []byte) exifInfo {
	var info exifInfo
	if len(tiff) < 8 {
		return info
	}
	var order binary.ByteOrder
	switch string(tiff[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return info
	}
	exifAt := uint32(0)
	walkIFD(tiff, order, order.Uint32(tiff[4:8]), func(tag, typ uint16, count uint32, value []byte) {
		switch {
		case tag == tagOrientation && typ == 3 && count >= 1:
			if o := int(order.Uint16(value)); o >= 1 && o <= 8 {
				info.Orientation = o
			}
		case tag == tagExifIFD && (typ == 4 || typ == 13) && count == 1:
			exifAt = order.Uint32(value)
		}
	})
	if exifAt != 0 {
		walkIFD(tiff, order, exifAt, func(tag, typ uint16, count uint32, value []byte) {
			switch {
			case tag == tagDateTimeOriginal && typ == 2:
				info.Taken = asciiValue(value)
			case tag == tagOffsetTimeOriginal && typ == 2:
				info.OffsetTaken = asciiValue(value)
			}
		})
	}
	return info
}

// walkIFD calls each with every entry of the directory at offset whose
// value lies within tiff: value is the entry's value bytes (inline or at
// its offset).
func walkIFD(tiff []byte, order binary.ByteOrder, offset uint32, each func(tag, typ uint16, count uint32, value []byte)) {
	if uint64(offset)+2 > uint64(len(tiff)) {
		return
	}
	n := int(order.Uint16(tiff[offset:]))
	if n > maxIFDEntries {
		return
	}
	for i := range n {
		at := uint64(offset) + 2 + uint64(i)*12
		if at+12 > uint64(len(tiff)) {
			return
		}
		e := tiff[at : at+12]
		tag, typ, count := order.Uint16(e[0:]), order.Uint16(e[2:]), order.Uint32(e[4:])
		size := uint64(count) * uint64(typeSize(typ))
		if size == 0 {
			continue
		}
		var value []byte
		if size <= 4 {
			value = e[8 : 8+size]
		} else {
			start := uint64(order.Uint32(e[8:]))
			if start+size > uint64(len(tiff)) {
				continue
			}
			value = tiff[start : start+size]
		}
		if len(value) < 2 {
			value = append(value, 0, 0) // a SHORT read from one byte reads 0s
		}
		each(tag, typ, count, value)
	}
}

// typeSize is the size of one value of a TIFF type; 0 for unknown types.
func typeSize(typ uint16) int {
	switch typ {
	case 1, 2, 6, 7: // BYTE, ASCII, SBYTE, UNDEFINED
		return 1
	case 3, 8: // SHORT, SSHORT
		return 2
	case 4, 9, 11, 13: // LONG, SLONG, FLOAT, IFD
		return 4
	case 5, 10, 12: // RATIONAL, SRATIONAL, DOUBLE
		return 8
	}
	return 0
}

// asciiValue is an ASCII value up to its NUL, or "" if it holds anything
// but printable ASCII.
func asciiValue(b []byte) string {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
		if c < 0x20 || c > 0x7e {
			return ""
		}
	}
	return string(b)
}

// takenAt is when the picture was taken, from EXIF's date and, if given,
// its zone; a date without a zone is read in loc (the district's: the
// camera's clock was set where the works are). ok is false for a date
// missing, blank ("    :  :     :  :  ") or not a real date.
func (e exifInfo) takenAt(loc *time.Location) (time.Time, bool) {
	if e.Taken == "" {
		return time.Time{}, false
	}
	if e.OffsetTaken != "" {
		if t, err := time.Parse("2006:01:02 15:04:05-07:00", e.Taken+e.OffsetTaken); err == nil {
			return t, plausible(t)
		}
	}
	t, err := time.ParseInLocation("2006:01:02 15:04:05", e.Taken, loc)
	if err != nil {
		return time.Time{}, false
	}
	return t, plausible(t)
}

// plausible refuses the dates cameras write when their clock was never
// set, and any beyond the year 9999 the database keeps.
func plausible(t time.Time) bool { return t.Year() >= 1990 && t.Year() < 9999 }
