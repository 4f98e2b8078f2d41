package auth

import (
	"crypto/rand"
	"net/http"
	"slices"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"

	"shuangshi/internal/web"
)

// deviceCookieName is the cookie that proves a browser signed in before.
const deviceCookieName = "shuangshi_device"

// DeviceLifetime is how long a browser is remembered after it last signed
// in to an account.
const DeviceLifetime = 180 * 24 * time.Hour

// maxDevices is how many accounts a browser is remembered for, newest
// first: the colleagues who share an office computer.
const maxDevices = 4

// Device is a browser's proof that it signed in to an account before, read
// from a signed and encrypted cookie (OWASP's "device cookie"). An attempt
// to sign in to that account that carries it is not held up by the lock on
// the account that guesses from elsewhere have set off; it is throttled
// under its own nonce instead, so that a stolen cookie that keeps failing
// is locked in its turn. The nonce changes at every sign-in.
type Device struct {
	UserID int64  `json:"u"`
	Nonce  string `json:"n"`
}

// Devices reads and issues the device cookie, signed with the session keys.
// The cookie is sent to the sign-in page only.
type Devices struct {
	codecs        []securecookie.Codec
	secureCookies bool
}

// NewDevices returns the device cookies' reader and writer. keys are the
// session keys (see LoadKeys); secureCookies marks the cookie Secure.
func NewDevices(keys [][]byte, secureCookies bool) *Devices {
	codecs := securecookie.CodecsFromPairs(keyPairs(keys)...)
	for _, c := range codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.MaxAge(int(DeviceLifetime.Seconds()))
			sc.SetSerializer(securecookie.JSONEncoder{})
		}
	}
	return &Devices{codecs: codecs, secureCookies: secureCookies}
}

// Known returns what the request's device cookie proves: none when it has
// none, or one that does not decode (tampered, expired, or signed with a key
// that was rotated out).
func (d *Devices) Known(r *http.Request) []Device {
	cookie, err := r.Cookie(deviceCookieName)
	if err != nil {
		return nil
	}
	var devices []Device
	if err := securecookie.DecodeMulti(deviceCookieName, cookie.Value, &devices, d.codecs...); err != nil {
		return nil
	}
	return devices
}

// Remember sets the device cookie after userID signed in: a new nonce for
// that account in front, the other accounts the browser knew behind it.
func (d *Devices) Remember(c echo.Context, userID int64) error {
	devices := slices.DeleteFunc(d.Known(c.Request()), func(dev Device) bool { return dev.UserID == userID })
	devices = slices.Insert(devices, 0, Device{UserID: userID, Nonce: rand.Text()})
	devices = devices[:min(len(devices), maxDevices)]
	value, err := securecookie.EncodeMulti(deviceCookieName, devices, d.codecs...)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{
		Name: deviceCookieName, Value: value, Path: "/login",
		MaxAge: int(DeviceLifetime.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: d.secureCookies || web.IsHTTPS(c),
	})
	return nil
}

// deviceOf returns the device among devices that proves a sign-in to user
// before, or nil.
func deviceOf(devices []Device, user User) *Device {
	for i := range devices {
		if devices[i].UserID == user.ID && devices[i].Nonce != "" {
			return &devices[i]
		}
	}
	return nil
}
