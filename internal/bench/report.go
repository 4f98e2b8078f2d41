package bench

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// The budgets every page is held to; a scenario may add its own (see
// Scenario).
const (
	MaxP99        = 50 * time.Millisecond // every page, at the largest size
	MaxGrowth     = 2.0                   // mean time, largest size against smallest
	MaxPeakRSS    = 100 << 20             // bytes, at the largest size (issue 19)
	MaxStartUp    = time.Second           // on an existing database, at the largest size
	failureBudget = 0                     // failed requests of any scenario
	// MaxUploadPeakRSS bounds the server's peak resident memory while
	// UploadClients upload a 12-megapixel photo each at once (issue 17).
	MaxUploadPeakRSS = 200 << 20
)

// Verdict is one budget checked against what was measured.
type Verdict struct {
	Budget   string
	Measured string
	Held     bool
}

// Budgets checks every budget against the sizes measured, smallest first.
func Budgets(all []Measured) []Verdict {
	if len(all) == 0 {
		return nil
	}
	var vs []Verdict
	smallest, largest := all[0], all[len(all)-1]
	for _, m := range all {
		ceiling := m.Results[0].RequestsPerSecond()
		for i, s := range scenarios {
			r := m.Results[i]
			if r.Failures > failureBudget {
				vs = append(vs, Verdict{fmt.Sprintf("%s at %d projects: no failed request", s.Name, m.Projects),
					fmt.Sprintf("%d failed (%s)", r.Failures, r.FirstFail), false})
			}
			if s.Share > 0 {
				share := r.RequestsPerSecond() / ceiling
				vs = append(vs, Verdict{fmt.Sprintf("%s at %d projects: ≥ %.0f%% of the static file's throughput", s.Name, m.Projects, s.Share*100),
					fmt.Sprintf("%.0f%%", share*100), share >= s.Share})
			}
		}
	}
	for i, s := range scenarios {
		r := largest.Results[i]
		p99 := MaxP99
		if s.P99 > 0 {
			p99 = s.P99
		}
		vs = append(vs, Verdict{fmt.Sprintf("%s: p99 ≤ %s at %d projects", s.Name, p99, largest.Projects),
			ms(r.P99), r.P99 <= p99})
		if s.Rate > 0 {
			vs = append(vs, Verdict{fmt.Sprintf("%s: ≥ %.0f a second at %d projects", s.Name, s.Rate, largest.Projects),
				fmt.Sprintf("%.0f", r.RequestsPerSecond()), r.RequestsPerSecond() >= s.Rate})
		}
		if len(all) > 1 {
			growth := float64(r.Mean) / float64(smallest.Results[i].Mean)
			vs = append(vs, Verdict{fmt.Sprintf("%s: mean time at %d projects ≤ %.0f× that at %d", s.Name, largest.Projects, MaxGrowth, smallest.Projects),
				fmt.Sprintf("%.2f×", growth), growth <= MaxGrowth})
		}
	}
	for _, m := range all {
		if !m.Uploaded() {
			continue
		}
		vs = append(vs,
			Verdict{fmt.Sprintf("photo upload at %d projects: no failed upload", m.Projects),
				fmt.Sprintf("%d failed (%s)", m.Upload.Failures, m.Upload.FirstFail), m.Upload.Failures == 0},
			Verdict{fmt.Sprintf("photo upload at %d projects: peak RSS ≤ %d MB with %d 12-megapixel uploads at once", m.Projects, MaxUploadPeakRSS>>20, UploadClients),
				mb(m.UploadPeakRSS), m.UploadPeakRSS <= MaxUploadPeakRSS})
	}
	vs = append(vs,
		Verdict{fmt.Sprintf("peak RSS ≤ %d MB at %d projects", MaxPeakRSS>>20, largest.Projects), mb(largest.PeakRSS), largest.PeakRSS <= MaxPeakRSS},
		Verdict{fmt.Sprintf("start-up on an existing database < %s at %d projects", MaxStartUp, largest.Projects), ms(largest.StartUp), largest.StartUp < MaxStartUp},
	)
	return vs
}

// SizeTable is one size's results as a Markdown table.
func SizeTable(m Measured) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n### %d projects\n\nStart-up %s, peak RSS %s.\n\n", m.Projects, ms(m.StartUp), mb(m.PeakRSS))
	b.WriteString("| scenario | requests/s | p50 | p99 | mean | response bytes | of the static ceiling |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|\n")
	ceiling := m.Results[0].RequestsPerSecond()
	for i, s := range scenarios {
		r := m.Results[i]
		share := fmt.Sprintf("%.0f%%", 100*r.RequestsPerSecond()/ceiling)
		if s.Alone {
			share = "one at a time" // no match for 32 clients at once
		}
		fmt.Fprintf(&b, "| %s | %.0f | %s | %s | %s | %d | %s |\n",
			s.Name, r.RequestsPerSecond(), ms(r.P50), ms(r.P99), ms(r.Mean), r.Bytes, share)
	}
	if m.Uploaded() {
		u := m.Upload
		fmt.Fprintf(&b, "\nPhoto upload: %d clients at once, %d uploads of a %d×%d JPEG of %.1f MB, %d failed: %.2f uploads/s, p50 %s, p99 %s, mean %s; the server's peak RSS while they came in %s.\n",
			UploadClients, u.Requests+u.Failures, UploadWidth, UploadHeight, float64(m.PhotoBytes)/(1<<20), u.Failures,
			u.RequestsPerSecond(), ms(u.P50), ms(u.P99), ms(u.Mean), mb(m.UploadPeakRSS))
	}
	return b.String()
}

// Report is the whole run as Markdown: the machine, each size's table and
// the budgets.
func Report(cfg Config, all []Measured, at time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark, %s\n\n", at.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "Machine: %s, %d cores, %s %s/%s. Concurrency %d, warm-up %s, then %s measured per scenario in spells of %s, the scenarios taking turns; dataset seed %d.\n",
		cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		cfg.Load.Concurrency, cfg.Load.Warmup, cfg.Load.Duration, spell, cfg.Seed)
	for _, m := range all {
		b.WriteString(SizeTable(m))
	}
	b.WriteString("\n### Budgets\n\n| budget | measured | held |\n|---|--:|:-:|\n")
	for _, v := range Budgets(all) {
		held := "yes"
		if !v.Held {
			held = "**no**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", v.Budget, v.Measured, held)
	}
	return b.String()
}

func cpuModel() string {
	info, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(info), "\n") {
		if name, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
		}
	}
	return "unknown CPU"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func mb(bytes int64) string { return fmt.Sprintf("%.0f MB", float64(bytes)/(1<<20)) }
