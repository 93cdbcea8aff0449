package itemio

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stepwise-run/stepwise/asl"
)

// Child execution statuses a ChildResult carries.
const (
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
	StatusPending   = "PENDING"
)

// MaxResultFileBytes is the largest result file AWS writes (5 GB); past
// it the results go on in the next file (SUCCEEDED_1.json, …).
const MaxResultFileBytes int64 = 5 << 30

// ChildResult is one child execution of a Map run as the result writer
// sees it.
type ChildResult struct {
	ExecutionArn    string
	Name            string
	StateMachineArn string
	// Status is one of the Status… constants; PENDING children were never
	// started (the Map run failed or was aborted first).
	Status string
	// Input is the child's input; Output its output (SUCCEEDED only).
	Input  any
	Output any
	// Error and Cause describe a FAILED, TIMED_OUT or ABORTED child.
	Error string
	Cause string
	// StartDate and StopDate are zero for a child that has none.
	StartDate    time.Time
	StopDate     time.Time
	RedriveCount int64
	// RedriveStatus and RedriveStatusReason are written when set; a
	// SUCCEEDED child defaults to AWS's NOT_REDRIVABLE.
	RedriveStatus       string
	RedriveStatusReason string
}

// record is the child's entry in a NONE transformation: AWS's execution
// metadata, with Input and Output as JSON text.
func (c *ChildResult) record() map[string]any {
	m := map[string]any{
		"Input":        asl.EncodeJSON(c.Input),
		"InputDetails": map[string]any{"Included": true},
		"Status":       c.Status,
	}
	if c.Status == StatusPending {
		return m
	}
	m["ExecutionArn"] = c.ExecutionArn
	m["Name"] = c.Name
	m["StateMachineArn"] = c.StateMachineArn
	m["RedriveCount"] = c.RedriveCount
	if !c.StartDate.IsZero() {
		m["StartDate"] = awsDate(c.StartDate)
	}
	if !c.StopDate.IsZero() {
		m["StopDate"] = awsDate(c.StopDate)
	}
	status, reason := c.RedriveStatus, c.RedriveStatusReason
	if c.Status == StatusSucceeded {
		m["Output"] = asl.EncodeJSON(c.Output)
		m["OutputDetails"] = map[string]any{"Included": true}
		if status == "" {
			status, reason = "NOT_REDRIVABLE", "Execution is SUCCEEDED and cannot be redriven"
		}
	} else {
		if c.Error != "" {
			m["Error"] = c.Error
		}
		if c.Cause != "" {
			m["Cause"] = c.Cause
		}
	}
	if status != "" {
		m["RedriveStatus"] = status
	}
	if reason != "" {
		m["RedriveStatusReason"] = reason
	}
	return m
}

// awsDate renders a time as AWS writes dates in result files:
// 2025-02-04T01:49:50.099Z.
func awsDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// entries are what the child contributes to its status's results under
// transformation tr: a successful child's output (COMPACT), its array's
// elements (FLATTEN) or its record (NONE); other children always give
// their record, as AWS leaves them untransformed.
func (c *ChildResult) entries(tr string) []any {
	if c.Status != StatusSucceeded || tr == TransformNone {
		return []any{c.record()}
	}
	if arr, ok := c.Output.([]any); ok && tr == TransformFlatten {
		return arr
	}
	return []any{c.Output}
}

// fileStatus is the result file a child's status goes to.
func fileStatus(status string) string {
	switch status {
	case StatusSucceeded, StatusPending:
		return status
	}
	return StatusFailed
}

// Collector builds a Distributed Map's state output from its children
// when the results are not exported: the transformed results in order,
// failing with States.DataLimitExceeded past 256 KiB.
type Collector struct {
	state          string
	transformation string
	out            []any
	size           int
}

// NewCollector returns a Collector for the Map state named state; nil cfg
// (no ResultWriter) means COMPACT.
func NewCollector(cfg *WriterConfig, state string) *Collector {
	c := &Collector{state: state, transformation: TransformCompact, out: []any{}, size: 2}
	if cfg != nil {
		c.transformation = cfg.Transformation
	}
	return c
}

// Add appends a child's results.
func (c *Collector) Add(r *ChildResult) error {
	for _, e := range r.entries(c.transformation) {
		c.size += len(asl.EncodeJSON(e)) + 1
		if c.size > asl.PayloadLimit {
			return asl.ResultTooLarge(c.state)
		}
		c.out = append(c.out, e)
	}
	return nil
}

// Output is the state's output: the results array.
func (c *Collector) Output() []any { return c.out }

// WriterOptions tunes a Writer; nil means defaults.
type WriterOptions struct {
	// MaxFileBytes is the size past which a result file is split; 0
	// means MaxResultFileBytes.
	MaxFileBytes int64
	// TempDir holds the files while they are written; "" means the
	// system's temporary directory.
	TempDir string
}

// Writer exports a Map run's child results to the object store as AWS
// does: SUCCEEDED_n.json, FAILED_n.json and PENDING_n.json files and a
// manifest.json under <Prefix>/<Map run ID>/. Results are spooled to
// temporary files, so memory stays flat however many children there are;
// files are written to the store as they fill and the manifest last. A
// crashed engine runs the writer again over the same results: the keys
// are the same, so the store ends as if it had run once.
type Writer struct {
	store     Store
	cfg       *WriterConfig
	bucket    string
	dir       string
	mapRunArn string
	maxBytes  int64
	tempDir   string
	files     map[string]*resultFile
	written   map[string][]any
}

// resultFile is the file being filled for one status.
type resultFile struct {
	index   int
	f       *os.File
	w       *bufio.Writer
	size    int64
	entries int
}

// NewWriter returns a Writer for the Map run mapRunArn; params are the
// resolved Parameters (or Arguments): Bucket and Prefix.
func NewWriter(store Store, cfg *WriterConfig, params map[string]any, mapRunArn string, opts *WriterOptions) (*Writer, error) {
	if opts == nil {
		opts = &WriterOptions{}
	}
	w := &Writer{store: store, cfg: cfg, mapRunArn: mapRunArn, maxBytes: opts.MaxFileBytes, tempDir: opts.TempDir,
		files:   map[string]*resultFile{},
		written: map[string][]any{StatusSucceeded: {}, StatusFailed: {}, StatusPending: {}}}
	if w.maxBytes <= 0 {
		w.maxBytes = MaxResultFileBytes
	}
	bucket, ok := params["Bucket"].(string)
	if !ok || bucket == "" {
		return nil, writerFailed("the ResultWriter parameter Bucket must be a non-empty string, not %s", asl.EncodeJSON(params["Bucket"]))
	}
	prefix, ok := params["Prefix"].(string)
	if _, has := params["Prefix"]; has && !ok {
		return nil, writerFailed("the ResultWriter parameter Prefix must be a string, not %s", asl.EncodeJSON(params["Prefix"]))
	}
	w.bucket = bucket
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	w.dir = prefix + mapRunArn[strings.LastIndexByte(mapRunArn, ':')+1:] + "/"
	return w, nil
}

func writerFailed(format string, args ...any) *asl.Error {
	return asl.NewError(asl.ErrorResultWriterFailed, format, args...)
}

// Add writes a child's results to the file of its status.
func (w *Writer) Add(ctx context.Context, r *ChildResult) error {
	status := fileStatus(r.Status)
	for _, e := range r.entries(w.cfg.Transformation) {
		line := asl.EncodeJSON(e)
		f := w.files[status]
		if f != nil && f.entries > 0 && f.size+int64(len(line))+2 > w.maxBytes {
			if err := w.flush(ctx, status); err != nil {
				return err
			}
			f = nil
		}
		if f == nil {
			var err error
			if f, err = w.newFile(status); err != nil {
				return err
			}
		}
		sep := ","
		if w.cfg.OutputType == OutputJSONL {
			sep = "\n"
		}
		if f.entries == 0 {
			sep = ""
		}
		n, err := f.w.WriteString(sep + line)
		f.size += int64(n)
		f.entries++
		if err != nil {
			return writerFailed("spooling results: %v", err)
		}
	}
	return nil
}

func (w *Writer) newFile(status string) (*resultFile, error) {
	f, err := os.CreateTemp(w.tempDir, "stepwise-results-*")
	if err != nil {
		return nil, writerFailed("spooling results: %v", err)
	}
	rf := &resultFile{index: len(w.written[status]), f: f, w: bufio.NewWriter(f)}
	if w.cfg.OutputType != OutputJSONL {
		if _, err := rf.w.WriteString("["); err != nil {
			return nil, writerFailed("spooling results: %v", err)
		}
		rf.size = 1
	}
	w.files[status] = rf
	return rf, nil
}

// flush closes the status's current file and puts it in the store.
func (w *Writer) flush(ctx context.Context, status string) error {
	rf := w.files[status]
	delete(w.files, status)
	defer os.Remove(rf.f.Name())
	defer rf.f.Close()
	end := "]"
	if w.cfg.OutputType == OutputJSONL {
		end = "\n"
	}
	if _, err := rf.w.WriteString(end); err != nil {
		return writerFailed("spooling results: %v", err)
	}
	if err := rf.w.Flush(); err != nil {
		return writerFailed("spooling results: %v", err)
	}
	size, err := rf.f.Seek(0, 2)
	if err == nil {
		_, err = rf.f.Seek(0, 0)
	}
	if err != nil {
		return writerFailed("spooling results: %v", err)
	}
	key := fmt.Sprintf("%s%s_%d.json", w.dir, status, rf.index)
	if err := w.put(ctx, key, rf.f); err != nil {
		return err
	}
	w.written[status] = append(w.written[status], map[string]any{"Key": key, "Size": size})
	return nil
}

func (w *Writer) put(ctx context.Context, key string, body interface {
	Read([]byte) (int, error)
	Seek(int64, int) (int64, error)
}) error {
	_, err := w.store.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(w.bucket), Key: aws.String(key), Body: body, ContentType: aws.String("application/json"),
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e := writerFailed("writing s3://%s/%s: %v", w.bucket, key, err)
		e.Err = err
		return e
	}
	return nil
}

// Close writes the remaining files and the manifest, and returns the Map
// state's output: {"MapRunArn": …, "ResultWriterDetails": {"Bucket": …,
// "Key": …/manifest.json}}.
func (w *Writer) Close(ctx context.Context) (map[string]any, error) {
	for _, status := range []string{StatusSucceeded, StatusFailed, StatusPending} {
		if w.files[status] != nil {
			if err := w.flush(ctx, status); err != nil {
				w.Abort()
				return nil, err
			}
		}
	}
	manifest := map[string]any{
		"DestinationBucket": w.bucket,
		"MapRunArn":         w.mapRunArn,
		"ResultFiles": map[string]any{
			"FAILED":    w.written[StatusFailed],
			"PENDING":   w.written[StatusPending],
			"SUCCEEDED": w.written[StatusSucceeded],
		},
	}
	key := w.dir + "manifest.json"
	if err := w.put(ctx, key, strings.NewReader(asl.EncodeJSON(manifest))); err != nil {
		return nil, err
	}
	return map[string]any{
		"MapRunArn":           w.mapRunArn,
		"ResultWriterDetails": map[string]any{"Bucket": w.bucket, "Key": key},
	}, nil
}

// Abort removes the temporary files of a Writer that will not be closed.
func (w *Writer) Abort() {
	for status, rf := range w.files {
		rf.f.Close()
		os.Remove(rf.f.Name())
		delete(w.files, status)
	}
}
