package notify

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFoldKeepsLinesWithinSeventyFiveOctets(t *testing.T) {
	lines := []string{
		"BEGIN:VCALENDAR",
		"SUMMARY:节点：海安路（军工路-共青路）道路综合整治工程（竣工）",
		"DESCRIPTION:" + strings.Repeat("a", 200),
		"DESCRIPTION:" + strings.Repeat("路", 100) + "x",
		"X:" + strings.Repeat("b", 73), // exactly 75 octets: left whole
		"END:VCALENDAR",
	}
	ics := []byte(strings.Join(lines, "\r\n") + "\r\n")
	folded := fold(ics)
	if !bytes.HasSuffix(folded, []byte("\r\n")) {
		t.Fatal("the last line lost its CRLF")
	}
	var unfolded []string
	for i, line := range strings.Split(strings.TrimSuffix(string(folded), "\r\n"), "\r\n") {
		if len(line) > maxLineOctets {
			t.Errorf("line %d has %d octets", i+1, len(line))
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d breaks a character: %q", i+1, line)
		}
		if strings.HasPrefix(line, " ") {
			unfolded[len(unfolded)-1] += line[1:]
		} else {
			unfolded = append(unfolded, line)
		}
	}
	if strings.Join(unfolded, "\n") != strings.Join(lines, "\n") {
		t.Errorf("unfolding does not give the lines back:\n%q", unfolded)
	}
	if got := strings.Count(string(folded), "\r\n"); got <= len(lines) {
		t.Errorf("%d lines after folding, want more than %d", got, len(lines))
	}
}

func TestFoldEndsOnTextThatIsNotUTF8(t *testing.T) {
	folded := fold([]byte("X:" + strings.Repeat("\x80", 200) + "\r\n"))
	for _, line := range strings.Split(strings.TrimSuffix(string(folded), "\r\n"), "\r\n") {
		if len(line) > maxLineOctets {
			t.Fatalf("a line of %d octets", len(line))
		}
	}
}
