package projects

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"shuangshi/internal/civil"
)

// ReadDataset reads a dataset in the form of data/seed: projects.csv and
// targets.csv (their columns are described in data/seed/README.md). It returns
// the projects, each with its targets, in the order of projects.csv. Every
// problem is reported with its file and line.
func ReadDataset(fsys fs.FS) ([]Project, error) {
	projectRows, err := readCSV(fsys, "projects.csv",
		"key", "name", "category", "extent", "unit", "description", "actual_start", "actual_completion")
	if err != nil {
		return nil, err
	}
	var projects []Project
	byKey := map[string]int{}
	for _, r := range projectRows {
		p := Project{
			Version:     1,
			Name:        r.get("name"),
			NameEn:      r.getOptional("name_en"),
			Extent:      r.get("extent"),
			Unit:        r.get("unit"),
			Description: r.get("description"),
		}
		if p.Name == "" {
			return nil, r.errorf("name is empty")
		}
		if c := r.get("category"); c == "" {
			p.Category = CategoryFromName(p.Name)
		} else if p.Category, err = ParseCategory(c); err != nil {
			return nil, r.errorf("%v", err)
		}
		if p.ActualStart, err = civil.Parse(r.get("actual_start")); err != nil {
			return nil, r.errorf("actual_start: %v", err)
		}
		if p.ActualCompletion, err = civil.Parse(r.get("actual_completion")); err != nil {
			return nil, r.errorf("actual_completion: %v", err)
		}
		key := r.get("key")
		if _, dup := byKey[key]; dup || key == "" {
			return nil, r.errorf("key %q is empty or not unique", key)
		}
		byKey[key] = len(projects)
		projects = append(projects, p)
	}

	targetRows, err := readCSV(fsys, "targets.csv",
		"year", "position", "list", "project", "listed_name", "deadline", "outcome", "progress", "reported_on")
	if err != nil {
		return nil, err
	}
	positions := map[[2]int]bool{}
	for _, r := range targetRows {
		var t Target
		if t.Year, err = strconv.Atoi(r.get("year")); err != nil || t.Year < civil.MinYear || t.Year > civil.MaxYear {
			return nil, r.errorf("year %q is not a year", r.get("year"))
		}
		if t.Position, err = strconv.Atoi(r.get("position")); err != nil || t.Position < 1 {
			return nil, r.errorf("position %q is not a row number", r.get("position"))
		}
		if positions[[2]int{t.Year, t.Position}] {
			return nil, r.errorf("%d has two rows numbered %d", t.Year, t.Position)
		}
		positions[[2]int{t.Year, t.Position}] = true
		if t.List, err = ParseList(r.get("list")); err != nil {
			return nil, r.errorf("%v", err)
		}
		if t.ListedName = r.get("listed_name"); t.ListedName == "" {
			return nil, r.errorf("listed_name is empty")
		}
		if t.Deadline, err = civil.Parse(r.get("deadline")); err != nil {
			return nil, r.errorf("deadline: %v", err)
		}
		if t.Deadline.IsZero() {
			t.Deadline = civil.LastDayOfYear(t.Year)
		} else if !t.Deadline.HasDay() {
			return nil, r.errorf("deadline %q needs a day", r.get("deadline"))
		}
		if t.Outcome, err = ParseOutcome(r.get("outcome")); err != nil {
			return nil, r.errorf("%v", err)
		}
		// A partial or missed outcome is a person's judgement, not the
		// milestones' arithmetic.
		t.OutcomeByHand = t.Outcome == Partial || t.Outcome == Missed
		t.Progress = r.get("progress")
		reported, err := civil.Parse(r.get("reported_on"))
		if err != nil || !reported.HasDay() {
			return nil, r.errorf("reported_on %q is not a day", r.get("reported_on"))
		}
		// The row's data is as of its report, not as of the day it was loaded.
		t.CreatedAt = time.Date(reported.Year, reported.Month, reported.Day, 0, 0, 0, 0, time.UTC)
		t.UpdatedAt = t.CreatedAt

		i, ok := byKey[r.get("project")]
		if !ok {
			return nil, r.errorf("project %q is not in projects.csv", r.get("project"))
		}
		p := &projects[i]
		for _, other := range p.Targets {
			if other.Year == t.Year && other.List == t.List {
				return nil, r.errorf("project %q is twice on the %d %s list", r.get("project"), t.Year, t.List)
			}
		}
		p.Targets = append(p.Targets, t)
		if p.CreatedAt.IsZero() || t.CreatedAt.Before(p.CreatedAt) {
			p.CreatedAt = t.CreatedAt
		}
		if t.UpdatedAt.After(p.UpdatedAt) {
			p.UpdatedAt, p.ReportedAt = t.UpdatedAt, t.UpdatedAt
		}
	}
	for _, p := range projects {
		if len(p.Targets) == 0 {
			return nil, fmt.Errorf("projects.csv: %s is on no list in targets.csv", p.Name)
		}
	}
	return projects, nil
}

// Seed loads projects, with their targets, in one transaction, unless a
// dataset of that name was loaded before. It reports whether it loaded them.
func (s *Store) Seed(ctx context.Context, name string, projects []Project) (bool, error) {
	loaded := false
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var runs int64
		if err := tx.Table("seed_runs").Where("name = ?", name).Count(&runs).Error; err != nil {
			return err
		}
		if runs > 0 {
			return nil
		}
		if err := tx.Create(&projects).Error; err != nil {
			return err
		}
		// Its years take their life cycle: the seed's 2022 was answered
		// (closed) and its 2023 published by the report.
		if err := adoptYears(tx, civil.DateOf(s.now())); err != nil {
			return err
		}
		loaded = true
		return tx.Exec("INSERT INTO seed_runs (name, applied_at) VALUES (?, ?)", name, s.now()).Error
	})
	if err != nil {
		return false, fmt.Errorf("seed %s: %w", name, err)
	}
	return loaded, nil
}

// csvRow is one data row of a CSV file, addressed by column name.
type csvRow struct {
	file    string
	line    int
	columns map[string]int
	fields  []string
}

func (r csvRow) get(column string) string { return r.fields[r.columns[column]] }

// getOptional returns a column that a dataset may leave out, or "".
func (r csvRow) getOptional(column string) string {
	if i, ok := r.columns[column]; ok && i < len(r.fields) {
		return r.fields[i]
	}
	return ""
}

func (r csvRow) errorf(format string, args ...any) error {
	return fmt.Errorf("%s line %d: %s", r.file, r.line, fmt.Sprintf(format, args...))
}

// readCSV reads a UTF-8 CSV file whose header names at least the given columns.
func readCSV(fsys fs.FS, file string, columns ...string) ([]csvRow, error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", file, err)
	}
	index := map[string]int{}
	for i, h := range header {
		// A spreadsheet saving "CSV UTF-8" starts the file with a byte-order mark.
		index[strings.TrimPrefix(h, "\uFEFF")] = i
	}
	for _, c := range columns {
		if _, ok := index[c]; !ok {
			return nil, fmt.Errorf("%s: no column %q", file, c)
		}
	}
	var rows []csvRow
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, csvRow{file: file, line: line, columns: index, fields: fields})
	}
}
