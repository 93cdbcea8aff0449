package conformance_test

import (
	"os"
	"testing"

	"github.com/stepwise-run/stepwise/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}
