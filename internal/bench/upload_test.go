package bench

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"shuangshi/internal/database"
	"shuangshi/internal/projects"
)

// TestDriveUploadsCountsTheRedirectOnly: an upload counts when the answer
// is the 303 to the project's photos, with the form's file and the token in
// the address; a 422 is a failure; every client makes its rounds.
func TestDriveUploadsCountsTheRedirectOnly(t *testing.T) {
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if r.URL.Query().Get("_csrf") != "token" || params["boundary"] == "" {
			http.Error(w, "no token", http.StatusForbidden)
			return
		}
		f, _, err := r.FormFile("photos")
		if err != nil {
			http.Error(w, "no photo", http.StatusBadRequest)
			return
		}
		photo, _ := io.ReadAll(f)
		if string(photo) != "JPEG" || r.FormValue("caption") == "" {
			http.Error(w, "wrong photo", http.StatusBadRequest)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/projects/2/") {
			http.Error(w, "refused", http.StatusUnprocessableEntity)
			return
		}
		http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
	}))
	defer srv.Close()
	r := DriveUploads(context.Background(), srv.Client(), srv.URL, "token", []int64{1, 2, 3, 4}, NewPhotoUpload([]byte("JPEG")), 2, 3)
	// Rounds of 2 clients over 4 projects: projects 1, 2, 3, 4, 1, 2.
	if got.Load() != 6 || r.Requests != 4 || r.Failures != 2 || !strings.Contains(r.FirstFail, "422") {
		t.Errorf("%d answered, %d counted, %d failed (%s); want 6, 4, 2 (422)", got.Load(), r.Requests, r.Failures, r.FirstFail)
	}
}

// TestNoisyJPEGWeighsAPhonesPhoto: the 12-megapixel photo weighs what a
// phone's does, and is within the site's 15 MB a file.
func TestNoisyJPEGWeighsAPhonesPhoto(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes 12 megapixels")
	}
	b := NoisyJPEG(UploadWidth, UploadHeight, 12, uploadNoise)
	if len(b) < 3<<20 || len(b) > 6<<20 {
		t.Errorf("%d bytes, want 3 to 6 MB", len(b))
	}
}

// TestGenerateGivesAmountsAndPhotos: every generated project has a total
// and a plan for each year it is listed in; monthly reports run to the
// month before Today's, approved, exact to the hundred yuan, never falling;
// a few projects, not the seed's nor the edited ones, have approved photos.
func TestGenerateGivesAmountsAndPhotos(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	path := filepath.Join(t.TempDir(), "bench.db")
	set, err := Generate(ctx, path, 1000, 7, log)
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(ctx, path, log)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var real, withTotal, unplanned int
	db.Read.Raw(`SELECT COUNT(*) FROM projects WHERE total_investment IS NULL`).Scan(&real)
	db.Read.Raw(`SELECT COUNT(*) FROM projects WHERE total_investment > 0`).Scan(&withTotal)
	db.Read.Raw(`SELECT COUNT(*) FROM targets t WHERE project_id IN (SELECT id FROM projects WHERE total_investment IS NOT NULL)
		AND NOT EXISTS (SELECT 1 FROM investment_plans p WHERE p.project_id = t.project_id AND p.year = t.year)`).Scan(&unplanned)
	if real == 0 || real+withTotal != 1000 || unplanned != 0 {
		t.Errorf("%d projects without a total (the seed's), %d with; %d targets of a year without a plan", real, withTotal, unplanned)
	}
	var reports []projects.MonthlyReport
	if err := db.Read.Order("project_id, year, month").Find(&reports).Error; err != nil {
		t.Fatal(err)
	}
	if len(reports) == 0 {
		t.Fatal("no monthly reports")
	}
	months := map[int]bool{}
	for i, r := range reports {
		if r.Year == CurrentYear {
			months[r.Month] = true
		}
		if !r.Approved || r.Completed%100 != 0 || r.FiledAt.After(Today) || r.Year < ReportedYears[0] {
			t.Fatalf("report %+v", r)
		}
		if i > 0 && reports[i-1].ProjectID == r.ProjectID && reports[i-1].Year == r.Year && reports[i-1].Completed > r.Completed {
			t.Fatalf("report %+v falls from %s", r, reports[i-1].Completed)
		}
	}
	if len(months) != int(Today.Month())-2 || months[int(Today.Month())-1] {
		t.Errorf("months of %d reported: %v; want to the month before October's report is due", CurrentYear, months)
	}
	var photos, approved int
	db.Read.Raw(`SELECT COUNT(*), COALESCE(SUM(state = 'approved'), 0) FROM photos`).Row().Scan(&photos, &approved)
	if len(set.Photographed) == 0 || photos != len(set.Photographed)*PhotosPerProject || approved != photos {
		t.Errorf("%d photographed projects, %d photos, %d approved", len(set.Photographed), photos, approved)
	}
	for _, id := range set.Photographed {
		for _, e := range set.Edited {
			if id == e {
				t.Errorf("project %d is edited and photographed", id)
			}
		}
	}
}
