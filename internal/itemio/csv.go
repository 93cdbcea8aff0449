package itemio

import (
	"context"
	"errors"
	"io"
)

// maxHeaderBytes is the largest CSV header row AWS reads: 10 KB.
const maxHeaderBytes = 10 * 1024

// csvRows reads a delimited text object as AWS parses one: fields are
// strings; double quotes enclose fields holding delimiters or newlines and
// are kept by doubling them; a backslash keeps a following backslash,
// double quote or delimiter and is dropped before anything else; a row
// with fewer fields than headers gets empty strings, extra fields are
// dropped; blank lines are skipped.
type csvRows struct {
	r       *Reader
	o       *object
	headers []string
	delim   byte
}

// header reads the first row as the headers.
func (c *csvRows) header() error {
	start := c.o.n
	rec, err := c.record()
	if errors.Is(err, io.EOF) {
		return readerFailed("s3://%s/%s has no header row", c.o.bucket, c.o.key)
	}
	if err != nil {
		return err
	}
	if c.o.n-start > maxHeaderBytes {
		return readerFailed("the header row of s3://%s/%s is longer than %d bytes", c.o.bucket, c.o.key, maxHeaderBytes)
	}
	c.headers = rec
	c.r.pos.Records++
	c.r.pos.Offset = c.o.offset()
	return nil
}

func (c *csvRows) next(ctx context.Context) (any, error) {
	rec, err := c.record()
	if err != nil {
		return nil, err
	}
	c.r.pos.Records++
	c.r.pos.Offset = c.o.offset()
	item := make(map[string]any, len(c.headers))
	for i, h := range c.headers {
		v := ""
		if i < len(rec) {
			v = rec[i]
		}
		item[h] = v
	}
	return item, nil
}

func (c *csvRows) close() error { return c.o.close() }

// record reads the fields of the next non-blank row; io.EOF when none is
// left.
func (c *csvRows) record() ([]string, error) {
	var fields []string
	var cur []byte
	inQuotes, started := false, false
	size := 0
	for {
		b, err := c.o.readByte()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return nil, readerFailed("%s: %v", c.r.at(c.o.bucket, c.o.key, "row"), err)
			}
			if inQuotes {
				return nil, readerFailed("%s has a quoted field that is never closed", c.r.at(c.o.bucket, c.o.key, "row"))
			}
			if !started {
				return nil, io.EOF
			}
			return append(fields, string(cur)), nil
		}
		started = true
		if size++; size > MaxItemBytes {
			return nil, readerFailed("%s is longer than the item limit of %d bytes", c.r.at(c.o.bucket, c.o.key, "row"), MaxItemBytes)
		}
		switch {
		case b == '\\':
			nb, err := c.o.readByte()
			switch {
			case err != nil:
			case nb == '\\' || nb == '"' || nb == c.delim:
				cur = append(cur, nb)
			default:
				c.o.unreadByte()
			}
		case inQuotes && b == '"':
			if nb, err := c.o.readByte(); err == nil && nb == '"' {
				cur = append(cur, '"')
			} else {
				if err == nil {
					c.o.unreadByte()
				}
				inQuotes = false
			}
		case inQuotes:
			cur = append(cur, b)
		case b == c.delim:
			fields = append(fields, string(cur))
			cur = cur[:0]
		case b == '\n':
			if n := len(cur); n > 0 && cur[n-1] == '\r' {
				cur = cur[:n-1]
			}
			if len(fields) == 0 && len(cur) == 0 {
				started, size = false, 0
				continue
			}
			return append(fields, string(cur)), nil
		case b == '"' && len(cur) == 0:
			inQuotes = true
		default:
			cur = append(cur, b)
		}
	}
}
