package imports

import (
	"slices"
	"testing"

	"shuangshi/internal/projects"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ a, b string }{
		{"爱国路 110KV 变电站工程", "爱国路110kv变电站工程"},
		{"爱国路１１０ＫＶ变电站工程", "爱国路 110kv 变电站工程"}, // full-width letters and digits
		{"昆明路 110 千伏变电站", "昆明路110kV变电站"},
		{"通北路(平凉路—惠民路)道路新建工程", "通北路（平凉路-惠民路）道路新建工程"},
		{"规划双阳路（龙口路－平凉路）道路新建工程", "规划双阳路（龙口路–平凉路）道路新建工程"},
		{"海安路【军工路~共青路】道路综合整治工程", "海安路(军工路～共青路)道路综合整治工程"},
		{"\u3000轨道交通 20 号线一期工程 ", "轨道交通20号线一期工程"},
		{"黄浦江 (杨浦区) 堤防专项维修工程 (友谊物流段)", "黄浦江（杨浦区）堤防专项维修工程（友谊物流段）"},
	}
	for _, tc := range tests {
		if Normalize(tc.a) != Normalize(tc.b) {
			t.Errorf("Normalize(%q) = %q, Normalize(%q) = %q; want equal", tc.a, Normalize(tc.a), tc.b, Normalize(tc.b))
		}
	}
	if got, want := Normalize("通北路(平凉路—惠民路)道路新建工程"), "通北路(平凉路-惠民路)道路新建工程"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, pair := range [][2]string{
		{"黄浦江（杨浦区）堤防专项维修工程（友谊物流段）", "黄浦江（杨浦区）堤防专项维修工程（国际时尚中心段）"},
		{"海安路（军工路-共青路）道路整治工程", "海安路（军工路-共青路）道路综合整治工程"},
	} {
		if Normalize(pair[0]) == Normalize(pair[1]) {
			t.Errorf("Normalize made %q and %q equal", pair[0], pair[1])
		}
	}
}

// TestSimilarityThreshold shows pairs on both sides of ProposeThreshold,
// each with its score, so that a change to Similarity that moves one across
// is seen.
func TestSimilarityThreshold(t *testing.T) {
	tests := []struct {
		a, b    string
		score   float64
		propose bool
	}{
		// The report's own renamings, 2022 → 2023.
		{"海安路（军工路-共青路）道路整治工程", "海安路（军工路-共青路）道路综合整治工程", 1, true},
		{"排水泵站控污调蓄设施建设工程", "新江湾东排水泵站控污调蓄设施建设工程", 0.818, true},
		// Plausible renamings.
		{"规划双阳路（龙口路—平凉路）道路新建工程", "双阳路（龙口路-平凉路）道路新建工程", 0.889, true},
		{"海安路道路综合整治工程", "海安路（军工路-共青路）道路综合整治工程", 1, true}, // the extent left out
		{"黄浦江（杨浦区）堤防维修工程（友谊物流段）", "黄浦江（杨浦区）堤防专项维修工程（友谊物流段）", 1, true},
		{"东走马塘南侧防汛墙维修", "东走马塘（黄兴路—政本路）南侧防汛墙堤防加固维修", 0.824, true},
		// Different projects sharing words.
		{"黄兴路下立交修缮提标工程", "黄兴路（环岛-中山北二路）道路综合整治工程", 0.571, false},
		{"福宁路道路新建工程", "安宁路道路新建工程", 0.5, false},
		{"昆明路 110 千伏变电站", "爱国路 110KV 变电站工程", 0.5, false},
		{"打虎山路（飞虹路-辽源西路）道路新建工程", "政治路黑山路道路新建工程", 0.25, false},
		{"政治路黑山路道路新建工程", "打虎山路道路新建工程", 0.25, false},
		// A different bracketed part, number, phase, side or kind of
		// works is a different project, however alike the rest.
		{"黄浦江（杨浦区）堤防专项维修工程（友谊物流段）", "黄浦江（杨浦区）堤防专项维修工程（国际时尚中心段）", 0, false},
		{"安浦路（双阳南路-平定路）道路新建工程", "安浦路（平定路-周家嘴路）道路新建工程", 0, false},
		{"安浦路（双阳南路-平定路）道路新建工程", "福宁路（齐齐哈尔路-广州路桥）道路新建工程", 0, false},
		{"东走马塘（四平路-黄兴路）北侧防汛墙维修工程", "东走马塘（黄兴路—政本路）南侧防汛墙堤防加固维修", 0, false},
		{"东走马塘北侧防汛墙维修工程", "东走马塘南侧防汛墙维修工程", 0, false},
		{"轨道交通 20 号线一期工程", "轨道交通 20 号线二期工程", 0, false},
		{"轨道交通 20 号线一期工程", "轨道交通 21 号线一期工程", 0, false},
		{"海安路道路整治工程", "海安路排水工程", 0, false},
		// A short name that leaves out a word is missed: the admin sees a
		// new project.
		{"隆昌路隧道", "隆昌路越江隧道", 0.6, false},
	}
	for _, tc := range tests {
		t.Run(tc.a+" "+tc.b, func(t *testing.T) {
			s := Similarity(tc.a, tc.b)
			if s < tc.score-0.001 || s > tc.score+0.001 {
				t.Errorf("Similarity = %.3f, want %.3f", s, tc.score)
			}
			if (s >= ProposeThreshold) != tc.propose {
				t.Errorf("Similarity %.3f against threshold %.2f: proposed %v, want %v", s, ProposeThreshold, !tc.propose, tc.propose)
			}
			if r := Similarity(tc.b, tc.a); r != s {
				t.Errorf("not symmetric: %.3f one way, %.3f the other", s, r)
			}
		})
	}
}

// TestSimilaritySeed compares every two names in the seed: names of one
// project are exact or proposed; names of different projects are not.
func TestSimilaritySeed(t *testing.T) {
	project := map[string]string{} // name → project key
	for _, r := range readSeedCSV(t, "projects.csv") {
		project[r[1]] = r[0]
	}
	for _, r := range readSeedCSV(t, "targets.csv") {
		project[r[4]] = r[3]
	}
	for a, pa := range project {
		for b, pb := range project {
			if a >= b {
				continue
			}
			s := Similarity(a, b)
			if same := pa == pb; same != (s >= ProposeThreshold) {
				t.Errorf("%s (%s) and %s (%s): similarity %.3f, same project %v", a, pa, b, pb, s, same)
			}
		}
	}
}

func TestFindMatch(t *testing.T) {
	ids := projectIDs(t)
	candidates := candidates2022(t)
	// What the 2022 record makes of each name of Table 10: four projects
	// of 2022 are on the 2023 completion list, two under other names.
	want := map[string]struct {
		project string
		exact   bool
	}{
		"海安路（军工路-共青路）道路综合整治工程":    {"haian-road", false},
		"安浦路（双阳南路-平定路）道路新建工程":     {"anpu-road", true},
		"新江湾东排水泵站控污调蓄设施建设工程":      {"xinjiangwan-storage", false},
		"杨浦滨江平定路综合排水工程":           {"pingding-drainage", true},
		"黄浦江（杨浦区）堤防专项维修工程（友谊物流段）": {}, // new, as all others
	}
	for _, st := range seedTargets(t, 2023) {
		t.Run(st.ListedName, func(t *testing.T) {
			m, ok := FindMatch(st.ListedName, candidates)
			w := want[st.ListedName]
			if w.project == "" {
				if ok {
					t.Fatalf("got %s (id %d, score %.2f), want no match", m.MatchedName, m.Candidate.ProjectID, m.Score)
				}
				return
			}
			if !ok || m.Candidate.ProjectID != ids[w.project] || m.Exact != w.exact {
				t.Fatalf("got %+v, %v; want project %s (id %d), exact %v", m, ok, w.project, ids[w.project], w.exact)
			}
			if (m.Exact && m.Score != 1) || m.Score < ProposeThreshold {
				t.Errorf("score %.2f, exact %v", m.Score, m.Exact)
			}
		})
	}
}

func TestFindMatchSections(t *testing.T) {
	youyi := Candidate{ProjectID: 16, Name: "黄浦江（杨浦区）堤防专项维修工程（友谊物流段）"}
	fashion := Candidate{ProjectID: 17, Name: "黄浦江（杨浦区）堤防专项维修工程（国际时尚中心段）"}
	tests := []struct {
		name       string
		row        string
		candidates []Candidate
		want       int64 // 0 for no match
		exact      bool
	}{
		{"one section does not match the other", fashion.Name, []Candidate{youyi}, 0, false},
		{"each section its own", fashion.Name, []Candidate{youyi, fashion}, 17, true},
		{"each section its own, half-width", "黄浦江(杨浦区)堤防专项维修工程(友谊物流段)", []Candidate{fashion, youyi}, 16, true},
		{"a renamed section proposed to its own", "黄浦江（杨浦区）堤防维修工程（国际时尚中心段）", []Candidate{youyi, fashion}, 17, false},
		{"a listed name matches", "海安路（军工路-共青路）道路整治工程",
			[]Candidate{{ProjectID: 3, Name: "海安路（军工路-共青路）道路综合整治工程", ListedNames: []string{"海安路（军工路-共青路）道路整治工程"}}}, 3, true},
		{"another road with the same works", "福宁路道路新建工程", []Candidate{{ProjectID: 9, Name: "安宁路道路新建工程"}}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := FindMatch(tc.row, tc.candidates)
			if tc.want == 0 {
				if ok {
					t.Fatalf("got %d (%s, %.2f), want no match", m.Candidate.ProjectID, m.MatchedName, m.Score)
				}
				return
			}
			if !ok || m.Candidate.ProjectID != tc.want || m.Exact != tc.exact {
				t.Fatalf("got %d exact %v (%v), want %d exact %v", m.Candidate.ProjectID, m.Exact, ok, tc.want, tc.exact)
			}
		})
	}
}

func TestCandidateOf(t *testing.T) {
	p := projects.Project{ID: 3, Name: "海安路（军工路-共青路）道路综合整治工程", Targets: []projects.Target{
		{Year: 2022, ListedName: "海安路（军工路-共青路）道路整治工程"},
		{Year: 2023, ListedName: "海安路（军工路-共青路）道路综合整治工程"},
		{Year: 2023, ListedName: "海安路（军工路-共青路）道路综合整治工程"},
	}}
	got := CandidateOf(p)
	want := []string{"海安路（军工路-共青路）道路整治工程", "海安路（军工路-共青路）道路综合整治工程"}
	if got.ProjectID != 3 || got.Name != p.Name || !slices.Equal(got.ListedNames, want) {
		t.Fatalf("got %+v, want listed names %v", got, want)
	}
}
