package awsclients

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWriteCLIModel checks that every shape the written model refers to
// is defined and has a type, as botocore requires.
func TestWriteCLIModel(t *testing.T) {
	t.Parallel()
	RequireCLI(t)
	operations := ModelOperations(t)
	min, err := os.ReadFile(filepath.Join(nodeFolder(), "node_modules", "aws-sdk", "apis", "states-2016-11-23.min.json"))
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, WriteCLIModel(min, dir))
	data, err := os.ReadFile(filepath.Join(dir, "stepfunctions", "2016-11-23", "service-2.json"))
	require.NoError(t, err)
	var model struct {
		Operations map[string]struct {
			Name          string
			HTTP          struct{ Method, RequestURI string } `json:"http"`
			Input, Output *struct{ Shape string }
		}
		Shapes map[string]map[string]any
	}
	require.NoError(t, json.Unmarshal(data, &model))
	require.Len(t, model.Operations, len(operations))
	require.Contains(t, operations, "TestState")
	defined := func(ref any) {
		t.Helper()
		name, _ := ref.(map[string]any)["shape"].(string)
		require.Contains(t, model.Shapes, name, "a reference to %v", ref)
	}
	for name, op := range model.Operations {
		require.Equal(t, name, op.Name)
		require.Equal(t, "POST", op.HTTP.Method)
		for _, io := range []*struct{ Shape string }{op.Input, op.Output} {
			if io != nil {
				require.Contains(t, model.Shapes, io.Shape, "%s", name)
			}
		}
	}
	for name, shape := range model.Shapes {
		require.NotEmpty(t, shape["type"], "shape %s", name)
		if members, ok := shape["members"].(map[string]any); ok {
			for _, m := range members {
				defined(m)
			}
		}
		for _, part := range []string{"member", "key", "value"} {
			if ref, ok := shape[part]; ok {
				defined(ref)
			}
		}
	}
}
