package database

import (
	"bytes"
	"testing"
)

// TestUploadsKeptBeforeSheetsSurviveMigration12: an upload kept as its
// file before 00012 keeps its file, with no sheet yet, for its preview to
// read; a new upload may keep a sheet and no file, but not neither; and
// going back keeps the uploads that have a file.
func TestUploadsKeptBeforeSheetsSurviveMigration12(t *testing.T) {
	db := openTestDB(t)
	provider, err := db.migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.UpTo(t.Context(), 11); err != nil {
		t.Fatal(err)
	}
	file := []byte("PK\x03\x04 an older upload's workbook")
	if err := db.Write.Exec(`INSERT INTO imports (year, file_name, content, created_at) VALUES (2023, 'list.xlsx', ?, CURRENT_TIMESTAMP)`, file).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := provider.UpTo(t.Context(), 12); err != nil {
		t.Fatal(err)
	}
	var older struct {
		Content []byte
		Sheet   *string
	}
	if err := db.Read.Raw(`SELECT content, sheet FROM imports WHERE id = 1`).Scan(&older).Error; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(older.Content, file) || older.Sheet != nil {
		t.Fatalf("after 00012 the older upload has %q and sheet %v, want its file and no sheet", older.Content, older.Sheet)
	}
	if err := db.Write.Exec(`INSERT INTO imports (year, file_name, sheet, created_at) VALUES (2024, 'list.csv', '{}', CURRENT_TIMESTAMP)`).Error; err != nil {
		t.Fatalf("an upload with a sheet and no file: %v", err)
	}
	if err := db.Write.Exec(`INSERT INTO imports (year, file_name, created_at) VALUES (2024, 'list.csv', CURRENT_TIMESTAMP)`).Error; err == nil {
		t.Error("an upload with neither a sheet nor a file was kept")
	}
	if _, err := provider.DownTo(t.Context(), 11); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := db.Read.Raw(`SELECT id FROM imports`).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 || ids[0] != 1 {
		t.Errorf("after going back, uploads %v, want the older one, [1]", ids)
	}
}
