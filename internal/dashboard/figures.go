// Package dashboard is a year's lists at a glance, for everyone: the
// dashboard's figures (planned against achieved, by category and beside
// the years before) and the timeline of every target's dates.
package dashboard

import (
	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
)

// Figures are the numbers of one year's lists, or of one category in it.
type Figures struct {
	Start    projects.Tally
	Complete projects.Tally
}

// YearFigures counts a year's targets (each with its project) as of a day,
// for the whole year and for each category that has targets, in the
// district's order of categories.
func YearFigures(targets []projects.Target, rule projects.StatusRule, asOf civil.Date) (Figures, []CategoryFigures) {
	whole := rule.Tallies(targets, asOf)
	byCategory := map[projects.Category][]projects.Target{}
	for _, t := range targets {
		byCategory[t.Project.Category] = append(byCategory[t.Project.Category], t)
	}
	var categories []CategoryFigures
	for _, c := range projects.Categories() {
		if len(byCategory[c]) == 0 {
			continue
		}
		tallies := rule.Tallies(byCategory[c], asOf)
		categories = append(categories, CategoryFigures{Category: c, Figures: Figures{Start: tallies[0], Complete: tallies[1]}})
	}
	return Figures{Start: whole[0], Complete: whole[1]}, categories
}

// CategoryFigures are the figures of one category.
type CategoryFigures struct {
	Category projects.Category
	Figures
}
