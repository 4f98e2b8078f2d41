package notify

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/auth"
	"shuangshi/internal/locale"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// ChannelsPath is the administrators' page of the notice channels.
const ChannelsPath = "/admin/notices"

// ChannelURL is a channel's page.
func ChannelURL(id int64) string { return ChannelsPath + "/" + strconv.FormatInt(id, 10) }

// ChannelHandler serves the administrators' pages of the notice channels.
type ChannelHandler struct {
	outbox *Outbox
}

// NewChannelHandler returns the handlers of the channels the outbox sends
// through.
func NewChannelHandler(o *Outbox) *ChannelHandler { return &ChannelHandler{outbox: o} }

// Register adds the routes, all for administrators.
func (h *ChannelHandler) Register(r *web.Router) {
	g := r.Group(ChannelsPath, auth.Require(auth.ManageAccounts))
	g.GET("", h.listChannels)
	g.GET("/new", h.newChannel)
	g.POST("", h.createChannel)
	g.GET("/:id", h.editChannel)
	g.POST("/:id", h.updateChannel)
	g.POST("/:id/test", h.testChannel)
	g.POST("/:id/delete", h.deleteChannel)
	r.InHeader(web.HeaderLink{Label: "nav.channels", URL: ChannelsPath, Place: web.HeaderAccounts, Shown: auth.Shows(auth.ManageAccounts)})
}

func (h *ChannelHandler) listChannels(c echo.Context) error {
	ctx := c.Request().Context()
	channels, err := h.outbox.store.Channels(ctx)
	if err != nil {
		return err
	}
	names, err := h.userNames(ctx)
	if err != nil {
		return err
	}
	page := views.ChannelsPage{Mailing: h.outbox.mail != nil, Hour: h.outbox.digester.hour}
	for _, ch := range channels {
		st, err := h.outbox.store.ChannelState(ctx, ch.Destination())
		if err != nil {
			return err
		}
		row := views.ChannelRow{
			URL: ChannelURL(ch.ID), Name: ch.Name, Service: string(ch.Service), Scope: string(ch.Scope),
			KeyHint: ch.KeyHint, Digest: ch.Digest, Notices: ch.Notices, Problem: st.Problem, Waiting: st.Waiting,
		}
		switch ch.Scope {
		case ScopeUnit:
			row.Of = ch.Unit
		case ScopeUser:
			if ch.UserID != nil {
				row.Of = names[*ch.UserID]
			}
		}
		loc := h.outbox.digester.location
		if st.LastSent != nil {
			row.LastSent = st.LastSent.In(loc)
		}
		if st.LastFailed != nil {
			row.LastFailed = st.LastFailed.In(loc)
		}
		page.Channels = append(page.Channels, row)
	}
	return web.Render(c, http.StatusOK, views.Channels(page))
}

// userNames names the active users by id.
func (h *ChannelHandler) userNames(ctx context.Context) (map[int64]string, error) {
	users, err := h.outbox.digester.users.Users(ctx)
	names := map[int64]string{}
	for _, u := range users {
		names[u.ID] = u.Name() + " (" + u.Username + ")"
	}
	return names, err
}

// channelForm is what the channel form sends.
type channelForm struct {
	Name, Service, Scope, Unit, UserID, Language, Webhook, Secret string
	Digest, Notices                                               bool
}

func parseChannelForm(c echo.Context) channelForm {
	return channelForm{
		Name: strings.TrimSpace(c.FormValue("name")), Service: c.FormValue("service"), Scope: c.FormValue("scope"),
		Unit: c.FormValue("unit"), UserID: c.FormValue("user_id"), Language: c.FormValue("language"),
		Webhook: strings.TrimSpace(c.FormValue("webhook")), Secret: strings.TrimSpace(c.FormValue("secret")),
		Digest: c.FormValue("digest") == "on", Notices: c.FormValue("notices") == "on",
	}
}

// page makes the form's page; the webhook and the secret are never sent
// back, not even as typed: only the stored ones' hints.
func (h *ChannelHandler) page(ctx context.Context, f channelForm, stored *Channel) (views.ChannelForm, error) {
	p := views.ChannelForm{
		Action: ChannelsPath, New: stored == nil, Name: f.Name, Service: f.Service, Scope: f.Scope, Unit: f.Unit,
		UserID: f.UserID, Language: f.Language, Digest: f.Digest, Notices: f.Notices, Errors: views.FieldErrors{},
		Languages: ChannelLanguages(),
	}
	for _, s := range Services() {
		p.Services = append(p.Services, string(s))
	}
	for _, s := range Scopes() {
		p.Scopes = append(p.Scopes, string(s))
	}
	if stored != nil {
		p.Action, p.KeyHint, p.SecretHint = ChannelURL(stored.ID), stored.KeyHint, stored.SecretHint
		p.TestURL, p.DeleteURL = ChannelURL(stored.ID)+"/test", ChannelURL(stored.ID)+"/delete"
	}
	all, err := h.outbox.digester.projects.All(ctx)
	if err != nil {
		return p, err
	}
	for _, pr := range all {
		if pr.Unit != "" && !slices.Contains(p.Units, pr.Unit) {
			p.Units = append(p.Units, pr.Unit)
		}
	}
	// A unit no project names any more stays choosable for the channel
	// that has it.
	if f.Unit != "" && !slices.Contains(p.Units, f.Unit) {
		p.Units = append(p.Units, f.Unit)
	}
	slices.Sort(p.Units)
	users, err := h.outbox.digester.users.Users(ctx)
	if err != nil {
		return p, err
	}
	for _, u := range users {
		if u.Active {
			p.Users = append(p.Users, views.Choice{Value: strconv.FormatInt(u.ID, 10), Label: u.Name() + " (" + u.Username + ")"})
		}
	}
	return p, nil
}

func (h *ChannelHandler) newChannel(c echo.Context) error {
	p, err := h.page(c.Request().Context(), channelForm{Service: string(WeCom), Scope: string(ScopeSite), Language: "zh-CN", Digest: true, Notices: true}, nil)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, views.EditChannel(p))
}

// check validates the form against the stored channel (nil for a new
// one) and returns the channel to store, with its secrets sealed; a blank
// webhook or secret keeps the stored one.
func (h *ChannelHandler) check(ctx context.Context, f channelForm, stored *Channel, errs views.FieldErrors) Channel {
	var ch Channel
	if stored != nil {
		ch = *stored
	}
	ch.Name, ch.Digest, ch.Notices = f.Name, f.Digest, f.Notices
	if err := CheckChannelName(f.Name); err != nil {
		errs["name"] = locale.T(ctx, "channels.name_invalid", "Max", MaxChannelName)
	}
	service, err := ParseService(f.Service)
	if err != nil {
		errs["service"] = locale.T(ctx, "channels.service_unknown")
	}
	scope, err := ParseScope(f.Scope)
	if err != nil {
		errs["scope"] = locale.T(ctx, "channels.scope_unknown")
	}
	ch.Scope, ch.Unit, ch.UserID = scope, "", nil
	switch scope {
	case ScopeUnit:
		if f.Unit == "" {
			errs["unit"] = locale.T(ctx, "channels.unit_missing")
		}
		ch.Unit = f.Unit
	case ScopeUser:
		id, err := strconv.ParseInt(f.UserID, 10, 64)
		if err == nil {
			_, err = h.outbox.digester.users.UserByID(ctx, id)
		}
		if err != nil {
			errs["user_id"] = locale.T(ctx, "channels.user_missing")
		}
		ch.UserID = &id
	}
	if !slices.Contains(ChannelLanguages(), f.Language) {
		errs["language"] = locale.T(ctx, "channels.language_unknown")
	}
	ch.Language = f.Language
	// A changed service needs the new robot's webhook; otherwise a blank
	// field keeps the stored key.
	sameService := stored != nil && stored.Service == service
	switch {
	case f.Webhook == "" && !sameService:
		errs["webhook"] = locale.T(ctx, "channels.webhook_missing")
	case f.Webhook != "" && service != "":
		key, err := ParseWebhook(service, f.Webhook)
		if err != nil {
			errs["webhook"] = locale.T(ctx, "channels.webhook_invalid."+string(service))
		}
		ch.SealedKey, ch.KeyHint = h.outbox.sealer.Seal("key", key), Hint(key)
	}
	switch {
	case service != DingTalk:
		ch.SealedSecret, ch.SecretHint = "", ""
	case f.Secret != "":
		if err := CheckSecret(f.Secret); err != nil {
			errs["secret"] = locale.T(ctx, "channels.secret_invalid")
		}
		ch.SealedSecret, ch.SecretHint = h.outbox.sealer.Seal("secret", f.Secret), Hint(f.Secret)
	case !sameService || ch.SealedSecret == "":
		errs["secret"] = locale.T(ctx, "channels.secret_missing")
	}
	ch.Service = service
	return ch
}

func (h *ChannelHandler) createChannel(c echo.Context) error {
	ctx := c.Request().Context()
	f := parseChannelForm(c)
	errs := views.FieldErrors{}
	ch := h.check(ctx, f, nil, errs)
	if len(errs) > 0 {
		return h.refuse(c, f, nil, errs)
	}
	if _, err := h.outbox.store.CreateChannel(ctx, ch); err != nil {
		return err
	}
	auth.Flash(c, "flash.channel_created")
	return c.Redirect(http.StatusSeeOther, ChannelsPath)
}

// refuse shows the form again, with the values typed (but the secrets)
// and a message beside each field refused.
func (h *ChannelHandler) refuse(c echo.Context, f channelForm, stored *Channel, errs views.FieldErrors) error {
	p, err := h.page(c.Request().Context(), f, stored)
	if err != nil {
		return err
	}
	p.Errors = errs
	return web.Render(c, http.StatusUnprocessableEntity, views.EditChannel(p))
}

// channel reads the channel of the request's :id.
func (h *ChannelHandler) channel(c echo.Context) (Channel, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return Channel{}, web.NotFound("error.channel_not_found")
	}
	return h.outbox.store.Channel(c.Request().Context(), id)
}

const stashTestResult = "channel-test"

func (h *ChannelHandler) editChannel(c echo.Context) error {
	ch, err := h.channel(c)
	if err != nil {
		return err
	}
	f := channelForm{Name: ch.Name, Service: string(ch.Service), Scope: string(ch.Scope), Unit: ch.Unit,
		Language: ch.Language, Digest: ch.Digest, Notices: ch.Notices}
	if ch.UserID != nil {
		f.UserID = strconv.FormatInt(*ch.UserID, 10)
	}
	p, err := h.page(c.Request().Context(), f, &ch)
	if err != nil {
		return err
	}
	p.TestResult = auth.TakeStash(c, stashTestResult)
	return web.Render(c, http.StatusOK, views.EditChannel(p))
}

func (h *ChannelHandler) updateChannel(c echo.Context) error {
	stored, err := h.channel(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := parseChannelForm(c)
	errs := views.FieldErrors{}
	ch := h.check(ctx, f, &stored, errs)
	if len(errs) > 0 {
		return h.refuse(c, f, &stored, errs)
	}
	if err := h.outbox.store.UpdateChannel(ctx, ch); err != nil {
		return err
	}
	auth.Flash(c, "flash.channel_saved")
	return c.Redirect(http.StatusSeeOther, ChannelsPath)
}

// testChannel sends a test message at once and shows how it went on the
// channel's page: what the service answered, never the address.
func (h *ChannelHandler) testChannel(c echo.Context) error {
	ch, err := h.channel(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	result := locale.T(ctx, "channels.test_sent")
	if err := h.outbox.SendTest(ctx, ch, locale.FromContext(ctx)); err != nil {
		var se *SendError
		switch {
		case errors.As(err, &se) && se.Code != 0:
			result = locale.T(ctx, "channels.test_refused_code", "Code", se.Code, "Message", se.Message)
		case errors.As(err, &se) && se.Status != 0:
			result = locale.T(ctx, "channels.test_refused_status", "Status", se.Status)
		default:
			result = locale.T(ctx, "channels.test_unreachable")
		}
		h.outbox.log.Warn("a notice channel's test message was not delivered", "channel", ch.ID, "reason", err)
	}
	auth.Stash(c, stashTestResult, result)
	return c.Redirect(http.StatusSeeOther, ChannelURL(ch.ID))
}

func (h *ChannelHandler) deleteChannel(c echo.Context) error {
	ch, err := h.channel(c)
	if err != nil {
		return err
	}
	if err := h.outbox.store.DeleteChannel(c.Request().Context(), ch.ID); err != nil {
		return err
	}
	auth.Flash(c, "flash.channel_deleted")
	return c.Redirect(http.StatusSeeOther, ChannelsPath)
}
