package main

import "shuangshi/internal/site/sitetest"

// The tests of this package that are still to move to their features fill
// the edit page's form and build workbooks with the harness's helpers,
// under the names they had here.
var (
	editForm = sitetest.EditForm
	workbook = sitetest.Workbook
)
