package photos

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// LimitsPath is the administrators' page of the photos' limits.
const LimitsPath = "/admin/photos"

func (h *Handler) registerLimits(r *web.Router) {
	admin := auth.Require(auth.ManageRecord)
	r.GET(LimitsPath, h.showLimits, admin)
	r.POST(LimitsPath, h.updateLimits, admin)
	r.InHeader(web.HeaderLink{Label: "nav.photos", URL: LimitsPath, Place: web.HeaderRecord, Shown: auth.Shows(auth.ManageRecord)})
}

// LimitsForm is the limits' form as typed.
type LimitsForm struct {
	MaxFileMB, PerDay, StorageCapGB string
}

// Check reads the form into limits, or says what is wrong with each
// field, as message ids with their arguments.
func (f LimitsForm) Check() (Limits, map[string][]any) {
	problems := map[string][]any{}
	var l Limits
	mb, err := strconv.Atoi(strings.TrimSpace(f.MaxFileMB))
	if err != nil || mb < MinFileMB || mb > MaxFileMB {
		problems["max_file_mb"] = []any{"photos.limits.error.range", "Min", MinFileMB, "Max", MaxFileMB}
	}
	l.MaxFileBytes = int64(mb) << 20
	day, err := strconv.Atoi(strings.TrimSpace(f.PerDay))
	if err != nil || day < 1 || day > MaxPerDay {
		problems["per_day"] = []any{"photos.limits.error.range", "Min", 1, "Max", MaxPerDay}
	}
	l.PerProjectPerDay = day
	gb, err := strconv.ParseFloat(strings.TrimSpace(f.StorageCapGB), 64)
	if err != nil || gb < 0.1 || gb > MaxStorageGB {
		problems["storage_cap_gb"] = []any{"photos.limits.error.range", "Min", "0.1", "Max", MaxStorageGB}
	}
	l.StorageCapBytes = int64(gb * (1 << 30))
	return l, problems
}

// FormOfLimits is the form of limits as saved.
func FormOfLimits(l Limits) LimitsForm {
	return LimitsForm{
		MaxFileMB:    strconv.FormatInt(l.MaxFileBytes>>20, 10),
		PerDay:       strconv.Itoa(l.PerProjectPerDay),
		StorageCapGB: strconv.FormatFloat(float64(l.StorageCapBytes)/(1<<30), 'f', -1, 64),
	}
}

func (h *Handler) showLimits(c echo.Context) error {
	l, err := h.store.Limits(c.Request().Context())
	if err != nil {
		return err
	}
	return h.renderLimits(c, http.StatusOK, FormOfLimits(l), nil)
}

func (h *Handler) updateLimits(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return web.BadRequest("error.400")
	}
	form := limitsFormOf(values)
	l, problems := form.Check()
	if len(problems) > 0 {
		return h.renderLimits(c, http.StatusUnprocessableEntity, form, problems)
	}
	if err := h.store.SetLimits(c.Request().Context(), l, auth.ActorOf(auth.CurrentUser(c), c.RealIP())); err != nil {
		return err
	}
	auth.Flash(c, "flash.photo_limits_saved")
	return c.Redirect(http.StatusSeeOther, LimitsPath)
}

func limitsFormOf(v url.Values) LimitsForm {
	return LimitsForm{MaxFileMB: v.Get("max_file_mb"), PerDay: v.Get("per_day"), StorageCapGB: v.Get("storage_cap_gb")}
}

func (h *Handler) renderLimits(c echo.Context, status int, form LimitsForm, problems map[string][]any) error {
	ctx := c.Request().Context()
	years, err := h.projects.Years(ctx, projects.AudienceOf(ctx))
	if err != nil {
		return err
	}
	saved, err := h.store.Limits(ctx)
	if err != nil {
		return err
	}
	used, count, err := h.store.StorageUsed(ctx)
	if err != nil {
		return err
	}
	page := views.PhotoLimitsPage{
		Nav: views.Nav{Years: years}, MaxFileMB: form.MaxFileMB, PerDay: form.PerDay, StorageCapGB: form.StorageCapGB,
		Errors: views.FieldErrors{}, Used: used, Cap: saved.StorageCapBytes, Count: count,
		UpdatedBy: saved.UpdatedBy,
		Bounds:    views.PhotoLimitBounds{MinFileMB: MinFileMB, MaxFileMB: MaxFileMB, MaxPerDay: MaxPerDay, MaxStorageGB: MaxStorageGB},
	}
	if saved.UpdatedAt != nil {
		at := saved.UpdatedAt.In(h.location)
		page.UpdatedAt = &at
	}
	for field, p := range problems {
		page.Errors[field] = locale.T(ctx, p[0].(string), p[1:]...)
	}
	return web.Render(c, status, views.PhotoLimits(page))
}
