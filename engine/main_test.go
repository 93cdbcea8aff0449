package engine_test

import (
	"os"
	"testing"

	"github.com/stepwise-run/stepwise/store/storetest"
)

func TestMain(m *testing.M) {
	if url := os.Getenv(childEnv); url != "" {
		runChild(url)
		return
	}
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}
