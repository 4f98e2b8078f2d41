package audit

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/web"
)

// Exports are written a few at a time: one more is asked to come back
// rather than queued, so that anyone's requests for the public edition
// cannot pile up reads of the whole history.
func TestExportsBeyondTheirPlacesComeBackLater(t *testing.T) {
	h := NewHandler(nil, nil, nil)
	for range concurrentExports {
		h.exports <- struct{}{}
	}
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/history.csv", nil), rec)
	err := h.history(Public, "csv")(c)
	var answer *web.Error
	if !errors.As(err, &answer) || answer.Status != http.StatusServiceUnavailable || answer.MessageID != "audit.busy" {
		t.Fatalf("a third export at once: %v, want 503 audit.busy", err)
	}
	if rec.Header().Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}
