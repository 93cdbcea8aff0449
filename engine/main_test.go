package engine_test

import (
	"os"
	"testing"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

func TestMain(m *testing.M) {
	if url := os.Getenv(childEnv); url != "" {
		runChild(url)
		return
	}
	testkit.Main(m)
}
