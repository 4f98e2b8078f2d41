package views

// LoginPage is the sign-in form.
type LoginPage struct {
	Nav      Nav
	Username string
	Next     string
	// Problem is the form's message: wrong credentials, a disabled
	// account, too many attempts. Empty when there is none.
	Problem string
	Errors  FieldErrors
}

// SetupPage is the one-time form for the first administrator.
type SetupPage struct {
	Nav         Nav
	Action      string
	Username    string
	DisplayName string
	Errors      FieldErrors
}

// AccountPage is a signed-in user's own account.
type AccountPage struct {
	Nav         Nav
	Username    string
	DisplayName string
	Role        string
	Email       string
	MustChange  bool
	// Mailing: the site e-mails the daily digests to the address given.
	Mailing bool
	Errors  FieldErrors
}
