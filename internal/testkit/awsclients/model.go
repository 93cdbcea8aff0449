package awsclients

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// WriteCLIModel writes the Step Functions service model of the JS SDK v2
// package (min, its minified botocore model) as a botocore data folder,
// dir/stepfunctions/2016-11-23/service-2.json, for AWS_DATA_PATH=dir: an
// AWS CLI v2 older than an operation (Debian 12's 2.9) then has it.
//
// The minified model leaves out what botocore needs: a member that is a
// string has no shape, lists, maps and operation inputs and outputs are
// written inline. Each such inline shape gets a name here.
func WriteCLIModel(min []byte, dir string) error {
	var model struct {
		Metadata   map[string]any            `json:"metadata"`
		Operations map[string]map[string]any `json:"operations"`
		Shapes     map[string]map[string]any `json:"shapes"`
	}
	if err := json.Unmarshal(min, &model); err != nil {
		return fmt.Errorf("the JS SDK's Step Functions model: %w", err)
	}
	if model.Shapes == nil {
		model.Shapes = map[string]map[string]any{}
	}
	named := &shapeNamer{shapes: model.Shapes}
	for _, name := range slices.Sorted(maps.Keys(model.Shapes)) {
		named.complete(model.Shapes[name], name)
	}
	for _, name := range slices.Sorted(maps.Keys(model.Operations)) {
		op := model.Operations[name]
		op["name"] = name
		if _, ok := op["http"]; !ok {
			op["http"] = map[string]any{"method": "POST", "requestUri": "/"}
		}
		for _, io := range []string{"input", "output"} {
			if s, ok := op[io].(map[string]any); ok {
				op[io] = named.ref(s, name+map[string]string{"input": "Input", "output": "Output"}[io])
			}
		}
	}
	data, err := json.Marshal(model)
	if err != nil {
		return err
	}
	folder := filepath.Join(dir, "stepfunctions", "2016-11-23")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return err
	}
	// Written aside and renamed: test binaries of several packages may
	// write it at once.
	tmp, err := os.CreateTemp(folder, "service-2.*.tmp")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(folder, "service-2.json"))
}

// shapeNamer names the inline shapes of a minified model.
type shapeNamer struct {
	shapes map[string]map[string]any
	n      int
}

// ref returns a reference to s: s itself when it already is one, else a
// reference to s completed and added under a new name.
func (n *shapeNamer) ref(s map[string]any, hint string) map[string]any {
	if _, ok := s["shape"]; ok {
		return s
	}
	n.complete(s, hint)
	n.n++
	name := fmt.Sprintf("%s%d", hint, n.n)
	n.shapes[name] = s
	return map[string]any{"shape": name}
}

// complete gives s its type (string when absent) and names the shapes
// of its members, list member and map key and value.
func (n *shapeNamer) complete(s map[string]any, hint string) {
	if _, ok := s["type"]; !ok {
		s["type"] = "string"
	}
	switch s["type"] {
	case "structure":
		members, _ := s["members"].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(members)) {
			if m, ok := members[name].(map[string]any); ok {
				members[name] = n.ref(m, hint+"_"+name)
			}
		}
	case "list":
		m, _ := s["member"].(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		s["member"] = n.ref(m, hint+"_member")
	case "map":
		for _, part := range []string{"key", "value"} {
			m, _ := s[part].(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			s[part] = n.ref(m, hint+"_"+part)
		}
	}
}
