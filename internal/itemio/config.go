package itemio

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
)

// Resources an ItemReader or a ResultWriter names, without the
// "arn:<partition>:states:::" prefix.
const (
	ResourceGetObject     = "s3:getObject"
	ResourceListObjectsV2 = "s3:listObjectsV2"
	ResourcePutObject     = "s3:putObject"
)

// Input types of ReaderConfig.InputType.
const (
	InputJSON     = "JSON"
	InputJSONL    = "JSONL"
	InputCSV      = "CSV"
	InputManifest = "MANIFEST"
)

// CSV header locations of ReaderConfig.CSVHeaderLocation.
const (
	HeaderFirstRow = "FIRST_ROW"
	HeaderGiven    = "GIVEN"
)

// Output types and transformations of ResultWriter.WriterConfig.
const (
	OutputJSON          = "JSON"
	OutputJSONL         = "JSONL"
	TransformNone       = "NONE"
	TransformCompact    = "COMPACT"
	TransformFlatten    = "FLATTEN"
	maxReaderItems      = 100_000_000
	maxBatchBytes       = 256 * 1024
	resourcePrefixShape = `^arn:aws[a-z-]*:states:::`
)

var resourcePrefix = regexp.MustCompile(resourcePrefixShape)

// delimiters maps CSVDelimiter values to the byte they stand for.
var delimiters = map[string]byte{"COMMA": ',', "PIPE": '|', "SEMICOLON": ';', "SPACE": ' ', "TAB": '\t'}

// FieldError is a problem with one field of an ItemReader, ItemBatcher or
// ResultWriter object; Field is its path, such as
// "ItemReader.ReaderConfig.CSVHeaders".
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Number is a numeric field given as a literal (Value), a JSONPath (the
// field's …Path twin, in Path) or a JSONata expression (Expr, the
// "{% … %}" string). The engine resolves Path and Expr and passes the
// result to the reader or the batcher.
type Number struct {
	Value int64
	Path  string
	Expr  string
}

// Set reports whether the field was given in any form.
func (n Number) Set() bool { return n.Value != 0 || n.Path != "" || n.Expr != "" }

// ReaderConfig is a parsed ItemReader.
type ReaderConfig struct {
	// Resource is ResourceGetObject or ResourceListObjectsV2.
	Resource string
	// InputType is one of the Input… constants; empty for
	// ResourceListObjectsV2.
	InputType string
	// HeaderLocation and Headers are CSVHeaderLocation and CSVHeaders
	// (CSV and MANIFEST only); Delimiter is CSVDelimiter's byte, ',' by
	// default.
	HeaderLocation string
	Headers        []string
	Delimiter      byte
	// MaxItems is ReaderConfig.MaxItems or MaxItemsPath; unset means
	// every item.
	MaxItems Number
	// Parameters is Parameters (JSONPath) or Arguments (JSONata) as
	// written: the engine evaluates it and passes the resolved object to
	// Open. ParametersExpr is set instead when Arguments is one JSONata
	// expression giving the whole object.
	Parameters     map[string]any
	ParametersExpr string
}

// BatcherConfig is a parsed ItemBatcher.
type BatcherConfig struct {
	MaxItemsPerBatch      Number
	MaxInputBytesPerBatch Number
	// BatchInput is the BatchInput value as written (nil when absent); the
	// engine evaluates it.
	BatchInput any
}

// WriterConfig is a parsed ResultWriter.
type WriterConfig struct {
	// Export is set when Resource and Parameters (or Arguments) send the
	// results to the object store; otherwise they return in the state
	// output.
	Export bool
	// Parameters is Parameters or Arguments as written (Bucket, Prefix);
	// ParametersExpr is set instead when Arguments is one JSONata
	// expression.
	Parameters     map[string]any
	ParametersExpr string
	// OutputType and Transformation default to JSON and, when exporting,
	// NONE, otherwise COMPACT.
	OutputType     string
	Transformation string
}

// parser collects the first error met while reading one object.
type parser struct {
	jsonata bool
	err     *FieldError
}

func (p *parser) fail(field, format string, args ...any) {
	if p.err == nil {
		p.err = &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
	}
}

func (p *parser) object(raw any, field string) map[string]any {
	obj, ok := raw.(map[string]any)
	if !ok {
		p.fail(field, "must be a JSON object")
	}
	return obj
}

// only fails on any member of obj not in allowed.
func (p *parser) only(obj map[string]any, field string, allowed ...string) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !contains(allowed, k) {
			p.fail(field+"."+k, "is not a field of %s", field[strings.LastIndexByte(field, '.')+1:])
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (p *parser) enum(obj map[string]any, field, key string, values ...string) string {
	raw, ok := obj[key]
	if !ok {
		return ""
	}
	s, _ := raw.(string)
	if !contains(values, s) {
		p.fail(field+"."+key, "must be one of %s", strings.Join(values, ", "))
	}
	return s
}

// resource reads Resource, which must be one of names.
func (p *parser) resource(obj map[string]any, field string, required bool, names ...string) string {
	raw, ok := obj["Resource"]
	if !ok {
		if required {
			p.fail(field+".Resource", "is required")
		}
		return ""
	}
	s, _ := raw.(string)
	loc := resourcePrefix.FindStringIndex(s)
	if loc != nil && contains(names, s[loc[1]:]) {
		return s[loc[1]:]
	}
	p.fail(field+".Resource", "must be arn:aws:states:::%s", strings.Join(names, " or arn:aws:states:::"))
	return ""
}

// paramsKey names the parameters field: Arguments in JSONata, Parameters
// in JSONPath.
func (p *parser) paramsKey() string {
	if p.jsonata {
		return "Arguments"
	}
	return "Parameters"
}

func (p *parser) language() string {
	if p.jsonata {
		return "JSONata"
	}
	return "JSONPath"
}

// parse runs fn over the object raw names field and returns what it
// made, or the first problem it met.
func parse[T any](raw any, jsonata bool, field string, fn func(p *parser, obj map[string]any) *T) (*T, error) {
	p := &parser{jsonata: jsonata}
	obj := p.object(raw, field)
	if obj == nil {
		return nil, p.err
	}
	c := fn(p, obj)
	if p.err != nil {
		return nil, p.err
	}
	return c, nil
}

// isExpression reports whether v is a JSONata "{% … %}" string.
func isExpression(v any) bool {
	s, ok := v.(string)
	return ok && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// parameters reads Parameters (JSONPath) or Arguments (JSONata): an
// object, or in JSONata one expression (expr) giving the whole object.
func (p *parser) parameters(obj map[string]any, field string) (params map[string]any, expr string, ok bool) {
	key, other := p.paramsKey(), "Parameters"
	if !p.jsonata {
		other = "Arguments"
	}
	if _, ok := obj[other]; ok {
		p.fail(field+"."+other, "is not allowed in a %s state; use %s", p.language(), key)
	}
	raw, ok := obj[key]
	if !ok {
		return nil, "", false
	}
	if p.jsonata && isExpression(raw) {
		return nil, raw.(string), true
	}
	return p.object(raw, field+"."+key), "", true
}

// number reads key (a non-negative integer up to most, or a JSONata
// expression in JSONata mode) and its JSONPath twin key+"Path".
func (p *parser) number(obj map[string]any, field, key string, most int64) Number {
	var n Number
	raw, hasValue := obj[key]
	pathRaw, hasPath := obj[key+"Path"]
	if hasValue && hasPath {
		p.fail(field+"."+key, "cannot be given with %sPath", key)
	}
	if hasPath {
		s, ok := pathRaw.(string)
		if p.jsonata || !ok || !strings.HasPrefix(s, "$") {
			p.fail(field+"."+key+"Path", "must be a JSONPath (JSONPath states only)")
		}
		n.Path = s
	}
	if !hasValue {
		return n
	}
	if p.jsonata && isExpression(raw) {
		n.Expr = raw.(string)
		return n
	}
	v, ok := integer(raw)
	if !ok || v < 0 || v > most {
		p.fail(field+"."+key, "must be an integer from 0 to %d", most)
	}
	n.Value = v
	return n
}

// integer reads a JSON number without a fraction, decoded as int64 or
// float64.
func integer(v any) (int64, bool) {
	if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f), true
	}
	n, ok := v.(int64)
	return n, ok
}

// ParseReader parses an ItemReader object (asl.Map's raw ItemReader);
// jsonata says whether the Map state uses JSONata, which takes Arguments
// where JSONPath takes Parameters.
func ParseReader(raw any, jsonata bool) (*ReaderConfig, error) {
	return parse(raw, jsonata, "ItemReader", (*parser).reader)
}

func (p *parser) reader(obj map[string]any) *ReaderConfig {
	const f = "ItemReader"
	p.only(obj, f, "Resource", "ReaderConfig", "Parameters", "Arguments")
	c := &ReaderConfig{Delimiter: ',', Resource: p.resource(obj, f, true, ResourceGetObject, ResourceListObjectsV2)}
	var has bool
	c.Parameters, c.ParametersExpr, has = p.parameters(obj, f)
	if !has {
		p.fail(f+"."+p.paramsKey(), "is required")
	}
	cfg := map[string]any{}
	if rc, ok := obj["ReaderConfig"]; ok {
		cfg = p.object(rc, f+".ReaderConfig")
	}
	const rf = f + ".ReaderConfig"
	// Newer AWS reader options Stepwise does not read yet.
	for _, k := range []string{"ItemsPointer", "ManifestType", "Transformation"} {
		if _, ok := cfg[k]; ok {
			p.fail(rf+"."+k, "is not supported by Stepwise yet")
		}
	}
	if cfg["InputType"] == "PARQUET" {
		p.fail(rf+".InputType", "PARQUET is not supported by Stepwise yet")
	}
	p.only(cfg, rf, "InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath")
	c.MaxItems = p.number(cfg, rf, "MaxItems", maxReaderItems)
	c.InputType = p.enum(cfg, rf, "InputType", InputJSON, InputJSONL, InputCSV, InputManifest)
	switch {
	case c.Resource == ResourceListObjectsV2 && c.InputType != "":
		p.fail(rf+".InputType", "is not used with %s", ResourceListObjectsV2)
	case c.Resource == ResourceGetObject && c.InputType == "":
		p.fail(rf+".InputType", "is required with %s", ResourceGetObject)
	}
	p.csv(c, cfg)
	p.readerParameters(c)
	return c
}

// csv reads the CSV fields, allowed with InputType CSV and MANIFEST.
func (p *parser) csv(c *ReaderConfig, cfg map[string]any) {
	const rf = "ItemReader.ReaderConfig"
	csvLike := c.InputType == InputCSV || c.InputType == InputManifest
	for _, k := range []string{"CSVHeaderLocation", "CSVHeaders", "CSVDelimiter"} {
		if _, ok := cfg[k]; ok && !csvLike {
			p.fail(rf+"."+k, "is only allowed with InputType CSV or MANIFEST")
		}
	}
	if d := p.enum(cfg, rf, "CSVDelimiter", "COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"); d != "" {
		c.Delimiter = delimiters[d]
	}
	c.HeaderLocation = p.enum(cfg, rf, "CSVHeaderLocation", HeaderFirstRow, HeaderGiven)
	if c.InputType == InputCSV && c.HeaderLocation == "" {
		p.fail(rf+".CSVHeaderLocation", "is required with InputType CSV")
	}
	raw, has := cfg["CSVHeaders"]
	if c.HeaderLocation != HeaderGiven {
		if has {
			p.fail(rf+".CSVHeaders", "is only allowed with CSVHeaderLocation GIVEN")
		}
		return
	}
	list, ok := raw.([]any)
	if !ok || len(list) == 0 {
		p.fail(rf+".CSVHeaders", "must be a non-empty array of strings with CSVHeaderLocation GIVEN")
	}
	for _, h := range list {
		s, ok := h.(string)
		if !ok {
			p.fail(rf+".CSVHeaders", "must be a non-empty array of strings with CSVHeaderLocation GIVEN")
		}
		c.Headers = append(c.Headers, s)
	}
}

// readerParameters checks the literal members of Parameters: the keys
// each resource takes (a "key.$" path or a JSONata string stands for its
// key).
func (p *parser) readerParameters(c *ReaderConfig) {
	if c.Parameters == nil {
		return
	}
	f := "ItemReader." + p.paramsKey()
	allowed := []string{"Bucket", "Key", "VersionId", "ExpectedBucketOwner"}
	required := []string{"Bucket", "Key"}
	if c.Resource == ResourceListObjectsV2 {
		allowed, required = []string{"Bucket", "Prefix", "ExpectedBucketOwner"}, []string{"Bucket"}
	}
	present := map[string]bool{}
	for k := range c.Parameters {
		name := strings.TrimSuffix(k, ".$")
		if !contains(allowed, name) {
			p.fail(f+"."+k, "is not a parameter of %s", c.Resource)
		}
		present[name] = true
	}
	for _, k := range required {
		if !present[k] {
			p.fail(f+"."+k, "is required by %s", c.Resource)
		}
	}
}

// ParseBatcher parses an ItemBatcher object.
func ParseBatcher(raw any, jsonata bool) (*BatcherConfig, error) {
	return parse(raw, jsonata, "ItemBatcher", (*parser).batcher)
}

func (p *parser) batcher(obj map[string]any) *BatcherConfig {
	const f = "ItemBatcher"
	p.only(obj, f, "MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput")
	c := &BatcherConfig{
		MaxItemsPerBatch:      p.number(obj, f, "MaxItemsPerBatch", math.MaxInt32),
		MaxInputBytesPerBatch: p.number(obj, f, "MaxInputBytesPerBatch", maxBatchBytes),
		BatchInput:            obj["BatchInput"],
	}
	for _, k := range []string{"MaxItemsPerBatch", "MaxInputBytesPerBatch"} {
		if n, ok := integer(obj[k]); ok && n == 0 {
			p.fail(f+"."+k, "must be a positive integer")
		}
	}
	if !c.MaxItemsPerBatch.Set() && !c.MaxInputBytesPerBatch.Set() {
		p.fail(f, "needs MaxItemsPerBatch or MaxInputBytesPerBatch (or their Path forms)")
	}
	if c.BatchInput != nil {
		if _, ok := c.BatchInput.(map[string]any); !ok && !p.jsonata {
			p.fail(f+".BatchInput", "must be a JSON object")
		}
	}
	return c
}

// ParseWriter parses a ResultWriter object.
func ParseWriter(raw any, jsonata bool) (*WriterConfig, error) {
	return parse(raw, jsonata, "ResultWriter", (*parser).writer)
}

func (p *parser) writer(obj map[string]any) *WriterConfig {
	const f = "ResultWriter"
	p.only(obj, f, "Resource", "Parameters", "Arguments", "WriterConfig")
	c := &WriterConfig{OutputType: OutputJSON, Transformation: TransformCompact}
	resource := p.resource(obj, f, false, ResourcePutObject)
	params, expr, hasParams := p.parameters(obj, f)
	_, hasResource := obj["Resource"]
	_, hasWriter := obj["WriterConfig"]
	switch {
	case hasResource != hasParams:
		p.fail(f, "needs Resource and %s together", p.paramsKey())
	case !hasResource && !hasWriter:
		p.fail(f, "cannot be empty: give WriterConfig, or Resource and %s, or all three", p.paramsKey())
	}
	if resource != "" && hasParams {
		c.Export, c.Parameters, c.ParametersExpr, c.Transformation = true, params, expr, TransformNone
		if params != nil {
			p.writerParameters(params)
		}
	}
	if hasWriter {
		const wf = f + ".WriterConfig"
		wc := p.object(obj["WriterConfig"], wf)
		p.only(wc, wf, "OutputType", "Transformation")
		if v := p.enum(wc, wf, "OutputType", OutputJSON, OutputJSONL); v != "" {
			c.OutputType = v
		}
		if v := p.enum(wc, wf, "Transformation", TransformNone, TransformCompact, TransformFlatten); v != "" {
			c.Transformation = v
		}
	}
	return c
}

func (p *parser) writerParameters(params map[string]any) {
	f := "ResultWriter." + p.paramsKey()
	hasBucket := false
	for k := range params {
		name := strings.TrimSuffix(k, ".$")
		if name != "Bucket" && name != "Prefix" {
			p.fail(f+"."+k, "is not a parameter of %s", ResourcePutObject)
		}
		hasBucket = hasBucket || name == "Bucket"
	}
	if !hasBucket {
		p.fail(f+".Bucket", "is required by %s", ResourcePutObject)
	}
}
