package notify

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestALongNoteIsCutByLinesAndSaysHowManyAreLeftOut(t *testing.T) {
	n := note{Title: "每日提醒", LinkText: "在网站上查看", LinkURL: "https://shuangshi.example.gov.cn/digest",
		More: func(k int) string { return "……另有 " + strconv.Itoa(k) + " 项" }}
	for i := range 500 {
		n.Lines = append(n.Lines, "- 海安路（军工路-共青路）道路综合整治工程 "+strconv.Itoa(i))
	}
	for _, service := range Services() {
		md := n.markdown(service, markdownLimit(service))
		if len(md) > markdownLimit(service) || !utf8.ValidString(md) {
			t.Errorf("%s: %d bytes, valid UTF-8 %v", service, len(md), utf8.ValidString(md))
		}
		if !strings.Contains(md, "……另有 ") || !strings.HasSuffix(md, "(https://shuangshi.example.gov.cn/digest)") {
			t.Errorf("%s: the cut message does not say what was left out and link to the rest:\n%s", service, md[len(md)-200:])
		}
		kept := strings.Count(md, "- 海安路")
		if !strings.Contains(md, "……另有 "+strconv.Itoa(500-kept)+" 项") {
			t.Errorf("%s: kept %d lines, but says otherwise", service, kept)
		}
	}
}

func TestChatTextCannotMentionOrLink(t *testing.T) {
	got := chatText("请<@all>看[这里](http://evil.example)\n# 标题")
	for _, bad := range []string{"<@", "](", "\n"} {
		if strings.Contains(got, bad) {
			t.Errorf("chatText left %q in %q", bad, got)
		}
	}
}
