package web_test

import (
	"os"
	"testing"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testkit.DropTemplate()
	os.Exit(code)
}
