package logsink_test

import (
	"testing"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }
