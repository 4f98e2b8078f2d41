package auth

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"shuangshi/internal/locale"
	"shuangshi/internal/web"
	"shuangshi/views"
)

// Handler serves signing in and out, the first-administrator setup and a
// user's own account.
type Handler struct {
	users    *Store
	sessions *Sessions
	auth     *Authenticator
	hasher   *Hasher
	devices  *Devices
	setup    *Setup // nil when the site has an active administrator
	now      func() time.Time
	log      *slog.Logger
	// Mailing says whether the site e-mails the daily digests, which the
	// account page's e-mail field is for; the site sets it.
	Mailing bool
}

// NewHandler returns the sign-in handlers. setup is nil unless the site
// started without an active administrator.
func NewHandler(users *Store, sessions *Sessions, auth *Authenticator, hasher *Hasher, devices *Devices, setup *Setup, now func() time.Time, log *slog.Logger) *Handler {
	return &Handler{users: users, sessions: sessions, auth: auth, hasher: hasher, devices: devices, setup: setup, now: now, log: log}
}

// Register adds the routes.
func (h *Handler) Register(r *web.Router) {
	r.GET("/login", h.showLogin)
	r.POST("/login", h.login)
	r.POST("/logout", h.logout)
	r.GET("/setup/:token", h.showSetup)
	r.POST("/setup/:token", h.completeSetup)
	r.GET(accountPath, h.showAccount, RequireUser)
	r.GET(passwordPath, h.showAccount, RequireUser)
	r.POST(passwordPath, h.changePassword, RequireUser)
	r.POST("/account/sign-out-everywhere", h.signOutEverywhere, RequireUser)
	r.POST("/account/email", h.changeEmail, Require(""))
	r.InHeader(web.HeaderLink{Label: "nav.account", URL: accountPath, Place: web.HeaderOwnAccount, Shown: signedIn})
}

func (h *Handler) showLogin(c echo.Context) error {
	if user := CurrentUser(c); user != nil {
		return c.Redirect(http.StatusSeeOther, h.sessions.LandingPage(c.Request().Context(), user))
	}
	return web.Render(c, http.StatusOK, views.Login(views.LoginPage{Next: web.LocalPath(c.QueryParam("next"))}))
}

func (h *Handler) login(c echo.Context) error {
	page := views.LoginPage{
		Username: c.FormValue("username"),
		Next:     web.LocalPath(c.FormValue("next")),
		Errors:   views.FieldErrors{},
	}
	password := c.FormValue("password")
	ctx := c.Request().Context()
	if NormalizeUsername(page.Username) == "" {
		page.Errors["username"] = locale.T(ctx, "login.username_required")
	}
	if password == "" {
		page.Errors["password"] = locale.T(ctx, "login.password_required")
	}
	if len(page.Errors) > 0 {
		return web.Render(c, http.StatusUnprocessableEntity, views.Login(page))
	}

	user, err := h.auth.Authenticate(ctx, page.Username, password, ActorOf(nil, c.RealIP()), h.devices.Known(c.Request()))
	var throttled *ThrottledError
	switch {
	case errors.As(err, &throttled):
		wait := throttled.Until.Sub(h.now())
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		page.Problem = locale.T(ctx, "login.throttled", "Count", minutesUntil(throttled.Until, h.now()))
		return web.Render(c, http.StatusTooManyRequests, views.Login(page))
	case errors.Is(err, ErrBadCredentials):
		page.Problem = locale.T(ctx, "login.bad_credentials")
		return web.Render(c, http.StatusUnauthorized, views.Login(page))
	case errors.Is(err, ErrBusy):
		c.Response().Header().Set("Retry-After", retryWhenBusy)
		page.Problem = locale.T(ctx, "login.busy")
		return web.Render(c, http.StatusServiceUnavailable, views.Login(page))
	case err != nil:
		return err
	}

	if err := h.sessions.SignIn(c, user); err != nil {
		return err
	}
	if err := h.devices.Remember(c, user.ID); err != nil {
		return err
	}
	if err := h.users.SetLanguage(ctx, user.ID, locale.Lang(ctx)); err != nil {
		return err
	}
	switch {
	case user.MustChangePassword:
		return c.Redirect(http.StatusSeeOther, passwordPath)
	case page.Next != "":
		return c.Redirect(http.StatusSeeOther, page.Next)
	}
	return c.Redirect(http.StatusSeeOther, h.sessions.LandingPage(c.Request().Context(), &user))
}

// logout signs the user out. Someone whose session has already ended gets
// the same answer: they are signed out, whatever the reason.
func (h *Handler) logout(c echo.Context) error {
	if user := CurrentUser(c); user != nil {
		if err := h.users.Log(c.Request().Context(), ActorOf(user, c.RealIP()), ActionSignOut, user, ""); err != nil {
			return err
		}
	}
	if err := h.sessions.SignOut(c); err != nil {
		return err
	}
	Flash(c, "flash.signed_out")
	return c.Redirect(http.StatusSeeOther, "/")
}

func (h *Handler) showSetup(c echo.Context) error {
	if h.setup == nil || !h.setup.Valid(c.Param("token")) {
		return web.NotFound("setup.link_spent")
	}
	return web.Render(c, http.StatusOK, views.Setup(views.SetupPage{Action: c.Request().URL.Path}))
}

func (h *Handler) completeSetup(c echo.Context) error {
	token := c.Param("token")
	if h.setup == nil || !h.setup.Valid(token) {
		return web.NotFound("setup.link_spent")
	}
	ctx := c.Request().Context()
	page := views.SetupPage{
		Action:      c.Request().URL.Path,
		Username:    c.FormValue("username"),
		DisplayName: c.FormValue("display_name"),
		Errors:      views.FieldErrors{},
	}
	username := NormalizeUsername(page.Username)
	if err := CheckUsername(username); err != nil {
		page.Errors["username"] = AccountError(c, err)
	}
	if err := CheckDisplayName(page.DisplayName); err != nil {
		page.Errors["display_name"] = AccountError(c, err)
	}
	password := c.FormValue("password")
	if err := checkNewPassword(password, c.FormValue("password_confirm"), username); err != nil {
		page.Errors["password"] = AccountError(c, err)
	}
	if len(page.Errors) > 0 {
		return web.Render(c, http.StatusUnprocessableEntity, views.Setup(page))
	}
	hash, err := h.hasher.Hash(ctx, password)
	if err != nil {
		return busy(c, err)
	}
	by := SetupLink
	by.Address = c.RealIP()
	user, err := h.users.CreateFirstAdmin(ctx, User{Username: username, DisplayName: page.DisplayName, PasswordHash: hash}, by)
	switch {
	case errors.Is(err, ErrUsernameTaken):
		page.Errors["username"] = AccountError(c, UsernameTaken(page.Username))
		return web.Render(c, http.StatusUnprocessableEntity, views.Setup(page))
	case errors.Is(err, ErrAdminExists):
		h.setup.Use(token)
		return web.NotFound("error.404")
	case err != nil:
		return err
	}
	h.setup.Use(token)
	h.log.Info("the first administrator was created; the setup link no longer works", "username", user.Username)
	if err := h.users.Log(ctx, ActorOf(&user, c.RealIP()), ActionSignIn, &user, detailSetup); err != nil {
		return err
	}
	if err := h.sessions.SignIn(c, user); err != nil {
		return err
	}
	Flash(c, "flash.setup_done")
	return c.Redirect(http.StatusSeeOther, h.sessions.LandingPage(c.Request().Context(), &user))
}

func (h *Handler) showAccount(c echo.Context) error {
	return web.Render(c, http.StatusOK, views.Account(h.accountPage(CurrentUser(c))))
}

func (h *Handler) accountPage(u *User) views.AccountPage {
	return views.AccountPage{
		Username: u.Username, DisplayName: u.DisplayName, Role: string(u.Role), Email: u.Email,
		MustChange: u.MustChangePassword, Mailing: h.Mailing, Errors: views.FieldErrors{},
	}
}

func (h *Handler) changeEmail(c echo.Context) error {
	user := CurrentUser(c)
	page := h.accountPage(user)
	page.Email = strings.TrimSpace(c.FormValue("email"))
	if err := CheckEmail(page.Email); err != nil {
		page.Errors["email"] = AccountError(c, err)
		return web.Render(c, http.StatusUnprocessableEntity, views.Account(page))
	}
	if page.Email != user.Email {
		if _, err := h.users.SetEmail(c.Request().Context(), user.ID, page.Email, ActorOf(user, c.RealIP())); err != nil {
			return err
		}
	}
	Flash(c, "flash.email_saved")
	return c.Redirect(http.StatusSeeOther, accountPath)
}

func (h *Handler) changePassword(c echo.Context) error {
	user := CurrentUser(c)
	ctx := c.Request().Context()
	page := h.accountPage(user)
	current, password := c.FormValue("current_password"), c.FormValue("password")
	ok, err := h.auth.CheckPassword(ctx, *user, current, ActorOf(user, c.RealIP()))
	var throttled *ThrottledError
	switch {
	case errors.As(err, &throttled):
		page.Errors["current_password"] = locale.T(ctx, "login.throttled", "Count", minutesUntil(throttled.Until, h.now()))
	case err != nil:
		return busy(c, err)
	case !ok:
		page.Errors["current_password"] = AccountError(c, ErrWrongCurrentPassword)
	}
	if err := checkNewPassword(password, c.FormValue("password_confirm"), user.Username); err != nil {
		page.Errors["password"] = AccountError(c, err)
	} else if password == current {
		page.Errors["password"] = locale.T(ctx, "account.password_unchanged")
	}
	if len(page.Errors) > 0 {
		return web.Render(c, http.StatusUnprocessableEntity, views.Account(page))
	}
	hash, err := h.hasher.Hash(ctx, password)
	if err != nil {
		return busy(c, err)
	}
	// Changing the password ends every session of the user, this one too;
	// the new session below continues here with the new generation.
	updated, err := h.users.SetPassword(ctx, user.ID, hash, false, ActorOf(user, c.RealIP()))
	if err != nil {
		return err
	}
	if err := h.sessions.SignIn(c, updated); err != nil {
		return err
	}
	Flash(c, "flash.password_changed")
	return c.Redirect(http.StatusSeeOther, h.sessions.LandingPage(c.Request().Context(), &updated))
}

func (h *Handler) signOutEverywhere(c echo.Context) error {
	user := CurrentUser(c)
	if _, err := h.users.EndSessions(c.Request().Context(), user.ID, ActorOf(user, c.RealIP())); err != nil {
		return err
	}
	if err := h.sessions.SignOut(c); err != nil {
		return err
	}
	Flash(c, "flash.signed_out_everywhere")
	return c.Redirect(http.StatusSeeOther, "/login")
}

// retryWhenBusy is the Retry-After, in seconds, of a request refused because
// every hashing slot was taken: the queue drains in well under a second,
// but retrying at once during a flood only joins it.
const retryWhenBusy = "5"

// busy answers ErrBusy with 503 and Retry-After; other errors pass.
func busy(c echo.Context, err error) error {
	if !errors.Is(err, ErrBusy) {
		return err
	}
	c.Response().Header().Set("Retry-After", retryWhenBusy)
	return &web.Error{Status: http.StatusServiceUnavailable, MessageID: "login.busy", Err: err}
}

// minutesUntil is the wait until a time, in whole minutes, rounded up.
func minutesUntil(until, now time.Time) int {
	return int(math.Ceil(until.Sub(now).Minutes()))
}

// checkNewPassword checks a new password and its confirmation.
func checkNewPassword(password, confirm, username string) error {
	if err := CheckPassword(password, username); err != nil {
		return err
	}
	if password != confirm {
		return ErrPasswordsDiffer
	}
	return nil
}

// AccountError puts an account rule's error into the reader's words, for
// the message beside the field it concerns.
func AccountError(c echo.Context, err error) string {
	ctx := c.Request().Context()
	var scripts *ScriptsError
	var taken *TakenError
	switch {
	case errors.Is(err, ErrUsernameLength):
		return locale.T(ctx, "account.username_length", "Min", MinUsernameLength, "Max", MaxUsernameLength)
	case errors.Is(err, ErrUsernameCharacters):
		return locale.T(ctx, "account.username_characters")
	case errors.As(err, &scripts):
		return locale.T(ctx, "account.username_scripts", "Letters", scripts.Letters(), "Script", scripts.Script)
	case errors.As(err, &taken):
		return locale.T(ctx, "account.username_taken_as", "Typed", taken.Typed, "Username", taken.Username)
	case errors.Is(err, ErrUsernameTaken):
		return locale.T(ctx, "account.username_taken")
	case errors.Is(err, ErrDisplayNameLength):
		return locale.T(ctx, "account.display_name_length", "Max", MaxDisplayNameLength)
	case errors.Is(err, ErrDisplayNameText), errors.Is(err, ErrPasswordNotText):
		return locale.T(ctx, "account.not_text")
	case errors.Is(err, ErrPasswordTooShort):
		return locale.T(ctx, "account.password_too_short", "Min", MinPasswordLength)
	case errors.Is(err, ErrPasswordTooLong):
		return locale.T(ctx, "account.password_too_long", "Max", MaxPasswordLength)
	case errors.Is(err, ErrPasswordIsUsername):
		return locale.T(ctx, "account.password_is_username")
	case errors.Is(err, ErrPasswordsDiffer):
		return locale.T(ctx, "account.passwords_differ")
	case errors.Is(err, ErrWrongCurrentPassword):
		return locale.T(ctx, "account.wrong_current_password")
	case errors.Is(err, ErrLastAdmin):
		return locale.T(ctx, "account.last_admin")
	case errors.Is(err, ErrEmailInvalid):
		return locale.T(ctx, "account.email_invalid")
	}
	return locale.T(ctx, "error.400")
}
