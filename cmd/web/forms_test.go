package main

import "shuangshi/internal/site/sitetest"

// editForm is the harness's reader of the edit page's form, under the name
// the tests of this package that fill it (durability_test.go) call it by.
var editForm = sitetest.EditForm
