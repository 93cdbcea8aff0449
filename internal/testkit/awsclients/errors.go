package awsclients

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// ModelErrors is what the Step Functions service model documents of
// errors: the error types each operation may answer and the HTTP status
// of each type.
//
// The JS SDK v2 package's minified model leaves the error lists out, so
// they are read from the AWS SDK for Go v2 (the module of
// github.com/aws/aws-sdk-go-v2/service/sfn that go.mod pins), whose code
// is generated from the same Smithy model: the error codes each
// operation's deserializer recognises (deserializers.go) and the
// "HTTP Status Code: N" of each error type's documentation
// (types/errors.go; 400 when it gives none). botocore's service-2.json
// lists the same errors.
type ModelErrors struct {
	// Operations maps each operation to its documented error types.
	Operations map[string][]string
	// Status maps each error type to its HTTP status.
	Status map[string]int
}

// CommonErrors are the error types that AWS's API reference lists as
// common to every action of every service (the "Common Errors" page), and
// those of the JSON protocol itself, which no operation lists. The
// common ValidationError ("the input fails to satisfy the constraints
// specified by an AWS service") is ValidationException in the JSON
// protocol: the "N validation errors detected" of any operation.
var CommonErrors = map[string]int{
	"AccessDeniedException":               400,
	"IncompleteSignature":                 400,
	"InternalFailure":                     500,
	"InvalidAction":                       400,
	"InvalidClientTokenId":                403,
	"MissingAuthenticationTokenException": 403,
	"NotAuthorized":                       400,
	"RequestExpired":                      400,
	"SerializationException":              400,
	"ServiceUnavailable":                  503,
	"ThrottlingException":                 400,
	"UnknownOperationException":           400,
	"UnrecognizedClientException":         400,
	"ValidationError":                     400,
	"ValidationException":                 400,
}

// Documented reports whether the model (or the common errors) lets
// operation answer the error type typ, and the HTTP status documented
// for it.
func (m *ModelErrors) Documented(operation, typ string) (status int, ok bool) {
	if s, ok := CommonErrors[typ]; ok {
		return s, true
	}
	for _, t := range m.Operations[operation] {
		if t == typ {
			return m.Status[typ], true
		}
	}
	return 0, false
}

// ReadModelErrors reads the error lists of the Step Functions model (see
// ModelErrors) once.
func ReadModelErrors(t testing.TB) *ModelErrors {
	t.Helper()
	m, err := modelErrors()
	require.NoError(t, err)
	return m
}

var modelErrors = sync.OnceValues(func() (*ModelErrors, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2/service/sfn").Output()
	if err != nil {
		return nil, err
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return nil, errors.New("the module github.com/aws/aws-sdk-go-v2/service/sfn is not downloaded: run go mod download")
	}
	ops, err := operationErrors(filepath.Join(dir, "deserializers.go"))
	if err != nil {
		return nil, err
	}
	status, err := errorStatuses(filepath.Join(dir, "types", "errors.go"))
	if err != nil {
		return nil, err
	}
	return &ModelErrors{Operations: ops, Status: status}, nil
})

// operationErrors reads, for each function awsAwsjson10_deserializeOpErrorOP
// of the SDK's deserializers, the codes it compares the error code with
// (strings.EqualFold("CODE", errorCode)).
func operationErrors(path string) (map[string][]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	ops := map[string][]string{}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok {
			continue
		}
		op, ok := strings.CutPrefix(fn.Name.Name, "awsAwsjson10_deserializeOpError")
		if !ok {
			continue
		}
		ops[op] = equalFoldCodes(fn.Body)
	}
	return ops, nil
}

// equalFoldCodes returns the string literals compared by
// strings.EqualFold in body.
func equalFoldCodes(body ast.Node) []string {
	codes := []string{}
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "EqualFold" {
			return true
		}
		if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				codes = append(codes, s)
			}
		}
		return true
	})
	return codes
}

var httpStatus = regexp.MustCompile(`HTTP Status Code: (\d+)`)

// errorStatuses reads the HTTP status of each error type the SDK
// declares: the one its documentation gives, else 400.
func errorStatuses(path string) (map[string]int, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	status := map[string]int{}
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.TYPE {
			continue
		}
		for _, spec := range gen.Specs {
			status[spec.(*ast.TypeSpec).Name.Name] = documentedStatus(gen.Doc)
		}
	}
	return status, nil
}

func documentedStatus(doc *ast.CommentGroup) int {
	if doc != nil {
		if m := httpStatus.FindStringSubmatch(doc.Text()); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n
		}
	}
	return 400
}
