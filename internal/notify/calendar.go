package notify

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-ical"

	"shuangshi/internal/civil"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
)

// Calendar writes an iCalendar feed (RFC 5545) of the deadlines of the
// given targets (each with its project): one all-day event per target on
// its deadline, and one per planned start or completion that is known to
// the day. Each event has a stable UID under the site's authority (see
// web.Identity), so that a calendar program updates it instead of adding it
// again, and no other installation's event is taken for it.
func Calendar(targets []projects.Target, l *locale.Locale, siteURL, authority string, stamp time.Time) ([]byte, error) {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//Shuangshi//Double Ten projects//"+l.Lang())
	cal.Props.SetText("X-WR-CALNAME", l.T("calendar.name"))
	cal.Props.SetText(ical.PropMethod, "PUBLISH")
	add := func(uid string, day civil.Date, summary, description, link string) {
		// The encoder escapes line feeds but refuses carriage returns.
		summary, description = strings.ReplaceAll(summary, "\r", ""), strings.ReplaceAll(description, "\r", "")
		e := ical.NewEvent()
		e.Props.SetText(ical.PropUID, uid)
		e.Props.SetDateTime(ical.PropDateTimeStamp, stamp.UTC())
		start := time.Date(day.Year, day.Month, day.Day, 0, 0, 0, 0, time.UTC)
		e.Props.SetDate(ical.PropDateTimeStart, start)
		e.Props.SetDate(ical.PropDateTimeEnd, start.AddDate(0, 0, 1))
		e.Props.SetText(ical.PropSummary, summary)
		e.Props.SetText(ical.PropDescription, description)
		if u, err := url.Parse(link); err == nil {
			e.Props.SetURI(ical.PropURL, u)
		}
		e.Props.SetText(ical.PropTransparency, "TRANSPARENT")
		cal.Children = append(cal.Children, e.Component)
	}
	planned := map[int64]bool{}
	for _, t := range targets {
		p := t.Project
		link := siteURL + projects.ProjectURL(t.ProjectID)
		add("target-"+strconv.FormatInt(t.ID, 10)+"@"+authority,
			t.Deadline.Latest(),
			l.T("calendar.deadline", "List", l.T("list."+string(t.List)), "Name", l.Name(t.ListedName, p.NameEn)),
			l.T("calendar.deadline_description", "Year", t.Year, "List", l.T("list."+string(t.List)), "Progress", l.OrNone(t.Progress)),
			link)
		if planned[p.ID] {
			continue
		}
		planned[p.ID] = true
		for _, m := range []struct {
			kind string
			day  civil.Date
		}{{"start", p.PlannedStart}, {"completion", p.PlannedCompletion}} {
			if m.day.HasDay() {
				add("planned-"+m.kind+"-"+strconv.FormatInt(p.ID, 10)+"@"+authority, m.day,
					l.T("calendar.planned_"+m.kind, "Name", l.Name(p.Name, p.NameEn)), l.T("calendar.planned_description"), link)
			}
		}
	}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, err
	}
	return fold(buf.Bytes()), nil
}

// maxLineOctets is the longest content line RFC 5545 (3.1) allows, without
// its CRLF.
const maxLineOctets = 75

// fold splits the content lines longer than 75 octets, as RFC 5545 asks:
// the encoder does not, and a Chinese summary passes 75 octets at 25
// characters. A line is broken only between characters, never inside a
// UTF-8 sequence, and each continuation begins with a space.
func fold(ics []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(ics, []byte("\r\n")) {
		content, ended := bytes.CutSuffix(line, []byte("\r\n"))
		limit := maxLineOctets
		for len(content) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(content[cut]) {
				cut--
			}
			if cut == 0 { // not UTF-8: cut anywhere rather than never
				cut = limit
			}
			out.Write(content[:cut])
			out.WriteString("\r\n ")
			content = content[cut:]
			limit = maxLineOctets - 1 // the space counts
		}
		out.Write(content)
		if ended {
			out.WriteString("\r\n")
		}
	}
	return out.Bytes()
}
