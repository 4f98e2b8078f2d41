package views

// FieldErrors holds the message shown beside each field of a rejected form,
// by field name, already in the reader's words.
type FieldErrors map[string]string
