package views

// AuditPage is the page of the exports for auditors: the history of
// changes, all of it and each year's, in the staff and the public
// edition, and for administrators the security log.
type AuditPage struct {
	Nav    Nav
	Scopes []AuditScope
	// SecurityLog is the security log's export; nil for a reader who may
	// not read the log.
	SecurityLog *AuditExport
}

// AuditScope is the history of everything, or of one year's list.
type AuditScope struct {
	Name  string // "全部年度", "2023年"
	Staff AuditExport
	// Public is nil for a draft's list, which the public does not read.
	Public *AuditExport
}

// AuditExport is one export: how many rows it holds, and where to take it.
type AuditExport struct {
	Rows   int
	CSVURL string
	// XLSXURL is "" when there are more rows than a sheet holds.
	XLSXURL string
}
