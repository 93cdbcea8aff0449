module github.com/stepwise-run/stepwise

go 1.25.0

require (
	github.com/ohler55/ojg v1.28.5
	github.com/stretchr/testify v1.12.1
)

require (
	github.com/santhosh-tekuri/jsonschema/v5 v5.3.1 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
