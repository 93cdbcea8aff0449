package itemio

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// object is an open object body: br reads it (decompressed), n counts the
// bytes taken from br, base is the object offset br started at.
type object struct {
	body       io.ReadCloser
	br         *bufio.Reader
	base, n    int64
	compressed bool
	bucket     string
	key        string
}

func (o *object) readByte() (byte, error) {
	b, err := o.br.ReadByte()
	if err == nil {
		o.n++
	}
	return b, err
}

func (o *object) unreadByte() {
	if o.br.UnreadByte() == nil {
		o.n--
	}
}

// offset is the object offset just past the bytes taken; 0 for a
// compressed object, which is resumed by counting records instead.
func (o *object) offset() int64 {
	if o.compressed {
		return 0
	}
	return o.base + o.n
}

func (o *object) close() error { return o.body.Close() }

// errPastEnd reports a ranged read that starts at the object's end: the
// resumed reader had already read everything.
var errPastEnd = errors.New("range starts past the end of the object")

// getObject opens bucket/key from byte offset (0 for the whole object),
// decompressing a key ending in .gz.
func (r *Reader) getObject(ctx context.Context, bucket, key, version string, offset int64) (*object, error) {
	compressed := strings.HasSuffix(key, ".gz")
	if strings.HasSuffix(key, ".zst") || strings.HasSuffix(key, ".zstd") {
		return nil, readerFailed("s3://%s/%s: ZSTD-compressed objects are not supported; use GZIP (.gz)", bucket, key)
	}
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	if r.owner != "" {
		in.ExpectedBucketOwner = aws.String(r.owner)
	}
	if offset > 0 && !compressed {
		in.Range = aws.String(fmt.Sprintf("bytes=%d-", offset))
	} else {
		offset = 0
	}
	out, err := r.store.GetObject(ctx, in)
	if err != nil {
		var api smithy.APIError
		if offset > 0 && errors.As(err, &api) && api.ErrorCode() == "InvalidRange" {
			return nil, errPastEnd
		}
		return nil, storeError(ctx, err, "reading s3://%s/%s", bucket, key)
	}
	o := &object{body: out.Body, base: offset, compressed: compressed, bucket: bucket, key: key}
	var src io.Reader = out.Body
	if compressed {
		gz, err := gzip.NewReader(out.Body)
		if err != nil {
			out.Body.Close()
			return nil, readerFailed("s3://%s/%s is not valid GZIP: %v", bucket, key, err)
		}
		src = gz
	}
	o.br = bufio.NewReaderSize(src, 64<<10)
	return o, nil
}

// storeError wraps an error of the object store as States.ItemReaderFailed,
// leaving cancellation of ctx as it is.
func storeError(ctx context.Context, err error, format string, args ...any) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	e := readerFailed("%s: %v", fmt.Sprintf(format, args...), err)
	e.Err = err
	return e
}

// openFile opens the data file bucket/key of the given input type at the
// reader's position and returns its source; headers are the CSV headers
// when given (nil reads them from the first row).
func (r *Reader) openFile(ctx context.Context, bucket, key, version, inputType string, headers []string) (source, error) {
	done := r.pos.Records
	o, err := r.getObject(ctx, bucket, key, version, r.pos.Offset)
	if errors.Is(err, errPastEnd) {
		return exhausted{}, nil
	}
	if err != nil {
		return nil, err
	}
	if o.base == 0 {
		r.pos.Records, r.pos.Offset = 0, 0
	}
	src, err := r.decoder(ctx, o, inputType, headers)
	if err == nil && o.base == 0 {
		// Read from the start: skip what was read before (a compressed
		// object cannot be read from an offset).
		for err == nil && r.pos.Records < done {
			_, err = src.next(ctx)
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	if err != nil {
		o.close()
		return nil, err
	}
	return src, nil
}

// decoder returns the source of the given input type over o.
func (r *Reader) decoder(ctx context.Context, o *object, inputType string, headers []string) (source, error) {
	switch inputType {
	case InputJSON:
		return r.newJSONArray(o)
	case InputJSONL:
		return &jsonLines{r: r, o: o}, nil
	}
	rows := &csvRows{r: r, o: o, headers: headers, delim: r.cfg.Delimiter}
	if len(headers) > 0 {
		return rows, nil
	}
	if o.base == 0 {
		return rows, rows.header()
	}
	// Resumed in the middle: the header row is read from the start.
	first, err := r.getObject(ctx, o.bucket, o.key, r.version, 0)
	if err != nil {
		return nil, err
	}
	defer first.close()
	head := &csvRows{r: r, o: first, delim: r.cfg.Delimiter}
	records, offset := r.pos.Records, r.pos.Offset
	err = head.header()
	r.pos.Records, r.pos.Offset = records, offset
	rows.headers = head.headers
	return rows, err
}

// exhausted is the source of an object read to its end before a crash.
type exhausted struct{}

func (exhausted) next(context.Context) (any, error) { return nil, io.EOF }
func (exhausted) close() error                      { return nil }
