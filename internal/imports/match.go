package imports

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"shuangshi/internal/projects"
)

// ProposeThreshold is the least Similarity at which a name that is not an
// exact match is proposed as another name of an existing project.
//
// Similarity compares only the words that tell projects apart (see there),
// so a renamed project scores high: 海安路（军工路-共青路）道路整治工程 and
// 海安路（军工路-共青路）道路综合整治工程 score 1, and 排水泵站控污调蓄设施建设工程
// against 新江湾东排水泵站控污调蓄设施建设工程 0.82, the lowest of the report's
// renamings. Different projects that share words score at most about 0.6:
// 黄兴路下立交修缮提标工程 against 黄兴路（环岛-中山北二路）道路综合整治工程
// scores 0.57, and two three-character roads differing in one character
// (福宁路 and 安宁路 with the same kind of works) 0.5. 0.7 sits between with
// room on both sides; a proposal still needs the admin's yes. The price: a
// short name that leaves a word out, 隆昌路隧道 for 隆昌路越江隧道 (0.6), is
// not proposed and shows as a new project.
const ProposeThreshold = 0.7

// Normalize returns the form in which two spellings of one name are equal:
// full-width letters, digits and brackets made narrow (（ → (, ＫＶ → kv),
// lower case (110KV and 110kv), no spaces of any width, every dash and
// tilde (－ — – ‐ ― ～) made "-", 【】［］〔〕 made ( ), and 千伏 written kv
// (昆明路 110 千伏变电站 and 昆明路 110kV 变电站).
func Normalize(name string) string {
	s := strings.ToLower(width.Fold.String(name))
	s = strings.ReplaceAll(s, "千伏", "kv")
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			return -1
		case strings.ContainsRune("‐‑‒–—―−﹣~〜⁓", r):
			return '-'
		case strings.ContainsRune("【[〔", r):
			return '('
		case strings.ContainsRune("】]〕", r):
			return ')'
		}
		return r
	}, s)
}

// genericWords name the kind of works, not the works: two different roads
// both have 道路新建工程, and one project is listed as 道路整治工程 one year
// and 道路综合整治工程 the next. Longest first, so that no word is cut by a
// shorter one.
var genericWords = []string{
	"道路", "新建", "改建", "扩建", "拓宽", "改造", "综合", "整治", "提升", "维修",
	"修缮", "提标", "加固", "大修", "建设", "工程", "项目", "专项", "配套",
}

var (
	normBrackets = regexp.MustCompile(`\(([^()]*)\)`)
	digitRuns    = regexp.MustCompile(`[0-9]+`)
	phaseWords   = regexp.MustCompile(`[0-9一二三四五六七八九十]+期`)
	sideWords    = regexp.MustCompile(`[东南西北]侧`)
)

// nameParts is a normalised name taken apart for Similarity.
type nameParts struct {
	normalized string
	// qualifiers tell apart projects that share the rest of their name:
	// the bracketed parts (the extent 军工路-共青路, the section 友谊物流段),
	// the numbers (20 号线, 110kv, 129、130 地块), the phase (一期) and the
	// side (南侧).
	brackets, numbers, phases, sides []string
	category                         projects.Category
	// distinctive are the stretches of Chinese words outside brackets
	// between generic words: 海安路 of 海安路（军工路-共青路）道路综合整治工程,
	// 昆明路 and 变电站 of 昆明路 110 千伏变电站.
	distinctive []string
}

func partsOf(name string) nameParts {
	n := Normalize(name)
	p := nameParts{normalized: n, category: projects.CategoryFromName(name)}
	for _, m := range normBrackets.FindAllStringSubmatch(n, -1) {
		p.brackets = append(p.brackets, m[1])
	}
	body := normBrackets.ReplaceAllString(n, "|")
	p.numbers = digitRuns.FindAllString(body, -1)
	p.phases = phaseWords.FindAllString(body, -1)
	p.sides = sideWords.FindAllString(body, -1)
	for _, list := range [][]string{p.brackets, p.numbers, p.phases, p.sides} {
		slices.Sort(list)
	}
	for _, w := range genericWords {
		body = strings.ReplaceAll(body, w, "|")
	}
	// Numbers and units (110kv) are compared as qualifiers, and
	// punctuation says nothing: only the Chinese words are left.
	p.distinctive = strings.FieldsFunc(body, func(r rune) bool {
		return r < utf8.RuneSelf || !unicode.IsLetter(r)
	})
	return p
}

// Similarity scores how likely two names are one project's, from 0 to 1; 1
// for names equal under Normalize.
//
// Names whose qualifiers differ are different projects and score 0: a
// different bracketed part (黄浦江（杨浦区）堤防专项维修工程 of the 友谊物流段 or
// the 国际时尚中心段, 安浦路（双阳南路-平定路） or 福宁路（齐齐哈尔路-广州路桥）), other
// numbers, another phase or side, or another category as
// projects.CategoryFromName reads the names (a road and a drainage project
// on the same road). A qualifier that only one name has does not count:
// the other name may have left it out.
//
// Otherwise the score is the Dice coefficient, 2|A∩B| / (|A|+|B|), of the
// multisets of rune bigrams of the distinctive stretches of the names (a
// stretch of one rune counts as itself), with the bracketed parts added when
// both names have them, then equal. Generic words (道路, 新建, 综合, 整治,
// 工程…) are left out, so that 道路新建工程 does not make two roads alike nor
// 综合 two spellings of one project different.
func Similarity(a, b string) float64 { return similarity(partsOf(a), partsOf(b)) }

func similarity(pa, pb nameParts) float64 {
	if pa.normalized == pb.normalized {
		return 1
	}
	if pa.category != pb.category {
		return 0
	}
	for _, q := range [][2][]string{
		{pa.brackets, pb.brackets}, {pa.numbers, pb.numbers},
		{pa.phases, pb.phases}, {pa.sides, pb.sides},
	} {
		if len(q[0]) > 0 && len(q[1]) > 0 && !slices.Equal(q[0], q[1]) {
			return 0
		}
	}
	ga, gb := grams(pa.distinctive), grams(pb.distinctive)
	if len(ga) == 0 || len(gb) == 0 {
		// A name of generic words only: compare the whole names.
		ga, gb = grams([]string{pa.normalized}), grams([]string{pb.normalized})
	} else if len(pa.brackets) > 0 && len(pb.brackets) > 0 {
		ga = append(ga, grams(pa.brackets)...)
		gb = append(gb, grams(pb.brackets)...)
	}
	return dice(ga, gb)
}

// grams returns the rune bigrams of each stretch; a stretch of one rune
// gives itself.
func grams(stretches []string) []string {
	var out []string
	for _, s := range stretches {
		r := []rune(s)
		if len(r) == 1 {
			out = append(out, s)
		}
		for i := 0; i+1 < len(r); i++ {
			out = append(out, string(r[i:i+2]))
		}
	}
	return out
}

// dice is the Dice coefficient of two multisets.
func dice(a, b []string) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	count := map[string]int{}
	for _, g := range a {
		count[g]++
	}
	common := 0
	for _, g := range b {
		if count[g] > 0 {
			count[g]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// Candidate is an existing project as the import matches against it: its
// current name and every name a year's list printed it under.
type Candidate struct {
	ProjectID   int64
	Name        string
	ListedNames []string
}

// CandidateOf returns the candidate for a project, with the listed names of
// the targets loaded with it.
func CandidateOf(p projects.Project) Candidate {
	c := Candidate{ProjectID: p.ID, Name: p.Name}
	for _, t := range p.Targets {
		if t.ListedName != "" && !slices.Contains(c.ListedNames, t.ListedName) {
			c.ListedNames = append(c.ListedNames, t.ListedName)
		}
	}
	return c
}

func (c Candidate) names() []string { return append([]string{c.Name}, c.ListedNames...) }

// Match is an existing project a row's name resolves to.
type Match struct {
	Candidate Candidate
	// MatchedName is the candidate's name closest to the row's, its current
	// name or one it was listed under.
	MatchedName string
	// Exact is true when the names are equal under Normalize; Score is then 1.
	Exact bool
	Score float64
}

// FindMatch returns the project name resolves to: the first candidate with a
// name equal to it under Normalize (exact), or else the candidate with the
// highest Similarity at or above ProposeThreshold, the first of equals.
// ok is false when there is neither. To match many names against the same
// candidates, make a Matcher once.
func FindMatch(name string, candidates []Candidate) (m Match, ok bool) {
	return NewMatcher(candidates).Find(name)
}

// Matcher matches names against a set of candidates whose names it has
// taken apart once, so that a file of many rows is not slowed by taking
// the same names apart for every row.
type Matcher struct {
	names []candidateName
	exact map[string]int // normalised name → index in names of its first holder
}

type candidateName struct {
	candidate Candidate
	name      string
	parts     nameParts
}

// NewMatcher prepares the candidates' names for Find.
func NewMatcher(candidates []Candidate) *Matcher {
	m := &Matcher{exact: map[string]int{}}
	for _, c := range candidates {
		for _, cn := range c.names() {
			parts := partsOf(cn)
			if _, ok := m.exact[parts.normalized]; !ok {
				m.exact[parts.normalized] = len(m.names)
			}
			m.names = append(m.names, candidateName{candidate: c, name: cn, parts: parts})
		}
	}
	return m
}

// Find is FindMatch against the matcher's candidates.
func (mr *Matcher) Find(name string) (m Match, ok bool) {
	parts := partsOf(name)
	if i, found := mr.exact[parts.normalized]; found {
		cn := mr.names[i]
		return Match{Candidate: cn.candidate, MatchedName: cn.name, Exact: true, Score: 1}, true
	}
	for _, cn := range mr.names {
		if s := similarity(parts, cn.parts); s >= ProposeThreshold && s > m.Score {
			m, ok = Match{Candidate: cn.candidate, MatchedName: cn.name, Score: s}, true
		}
	}
	return m, ok
}
