package oc4ids_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"shuangshi/internal/site/sitetest"
)

// The schemas' own ids, by which the package schema refers to the
// project schema: the vendored files stand for them, so the test needs
// no network.
const schemaBase = "https://standard.open-contracting.org/infrastructure/schema/0__9__4/"

// packageSchema compiles the vendored OC4IDS 0.9.4 package schema, with
// formats (date-time, uri) asserted, not only annotated.
func packageSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, name := range []string{"project-package-schema.json", "project-schema.json"} {
		raw, err := os.ReadFile("testdata/schema/" + name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(schemaBase+name, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile(schemaBase + "project-package-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPackagesAreValidAgainstTheOfficialSchema validates the packages the
// site serves, the seed's as they are and a project with every part the
// record can fill (a budget with its yearly breakdown, monthly reports as
// financial progress and progress reports), against OC4IDS 0.9.4.
func TestPackagesAreValidAgainstTheOfficialSchema(t *testing.T) {
	schema := packageSchema(t)
	site := sitetest.NewEditing(t) // 1 June 2023; li answers for project 3
	li := site.SignIn(t, "li", sitetest.Password)
	sitetest.Invest(t, li, 3, sitetest.Investment{Total: "5,000.5", Year: 2023, Planned: "1200.01",
		Completed: map[string]string{"2023-04": "200", "2023-05": "300.1"}})

	public := site.NewBrowser(t)
	for _, path := range []string{"/api/v1/oc4ids/years/2022", "/api/v1/oc4ids/years/2023", "/api/v1/oc4ids/projects/3"} {
		r := public.Get(path)
		sitetest.WantStatus(t, path, r, http.StatusOK)
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s is not valid OC4IDS 0.9.4:\n%v", path, err)
		}
	}

	// The check can fail: an amount written as a string is refused.
	wrong := strings.Replace(public.Get("/api/v1/oc4ids/projects/3").Body, `"amount":50005000`, `"amount":"50005000"`, 1)
	if doc, err := jsonschema.UnmarshalJSON(strings.NewReader(wrong)); err != nil {
		t.Fatal(err)
	} else if schema.Validate(doc) == nil {
		t.Error("the schema takes an amount written as a string")
	}

	var pkg struct {
		Projects []struct {
			Budget struct {
				Amount struct {
					Amount   json.Number `json:"amount"`
					Currency string      `json:"currency"`
				} `json:"amount"`
				BudgetBreakdowns []struct {
					BudgetBreakdown []struct {
						ID     string `json:"id"`
						Amount struct {
							Amount json.Number `json:"amount"`
						} `json:"amount"`
						Period struct {
							StartDate string `json:"startDate"`
						} `json:"period"`
					} `json:"budgetBreakdown"`
				} `json:"budgetBreakdowns"`
			} `json:"budget"`
			Metrics []struct {
				ID           string `json:"id"`
				Observations []struct {
					ID    string `json:"id"`
					Value struct {
						Amount json.Number `json:"amount"`
					} `json:"value"`
				} `json:"observations"`
			} `json:"metrics"`
			Documents []struct {
				DocumentType  string `json:"documentType"`
				Description   string `json:"description"`
				DatePublished string `json:"datePublished"`
			} `json:"documents"`
		} `json:"projects"`
	}
	d := json.NewDecoder(strings.NewReader(public.Get("/api/v1/oc4ids/projects/3").Body))
	d.UseNumber()
	if err := d.Decode(&pkg); err != nil {
		t.Fatal(err)
	}
	p := pkg.Projects[0]
	// 5,000.5 万元 is 50,005,000 yuan, exactly.
	if p.Budget.Amount.Amount != "50005000" || p.Budget.Amount.Currency != "CNY" {
		t.Errorf("budget %+v, want 50005000 CNY", p.Budget.Amount)
	}
	if len(p.Budget.BudgetBreakdowns) != 1 || len(p.Budget.BudgetBreakdowns[0].BudgetBreakdown) != 1 {
		t.Fatalf("budget breakdowns %+v", p.Budget.BudgetBreakdowns)
	}
	line := p.Budget.BudgetBreakdowns[0].BudgetBreakdown[0]
	if line.ID != "2023" || line.Amount.Amount != "12000100" || line.Period.StartDate != "2023-01-01T00:00:00+08:00" {
		t.Errorf("2023's budget line %+v", line)
	}
	var observed []string
	for _, m := range p.Metrics {
		if m.ID == "financialProgress" {
			for _, o := range m.Observations {
				observed = append(observed, o.ID+"="+string(o.Value.Amount))
			}
		}
	}
	if strings.Join(observed, " ") != "2023-04=2000000 2023-05=3001000" {
		t.Errorf("financial progress %q", observed)
	}
	reports := 0
	for _, doc := range p.Documents {
		if doc.DocumentType == "physicalProgressReport" {
			reports++
			if !strings.HasPrefix(doc.Description, "现场施工中") || doc.DatePublished == "" {
				t.Errorf("a progress report %+v", doc)
			}
		}
	}
	if reports != 2 {
		t.Errorf("%d progress reports, want 2", reports)
	}

	// The seed gives no amounts: no budget is published for it.
	if body := public.Get("/api/v1/oc4ids/projects/1").Body; strings.Contains(body, `"budget"`) {
		t.Error("a seeded project without amounts has a budget")
	}
}
