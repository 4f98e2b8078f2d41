package console_test

import (
	"testing"

	"shuangshi/internal/site/sitetest"
)

// TestMain lets the browser tests share their Chromium processes, each in a
// browser context of its own (see sitetest.ChromiumWith).
func TestMain(m *testing.M) { sitetest.Main(m) }
