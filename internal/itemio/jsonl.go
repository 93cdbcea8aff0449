package itemio

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/stepwise-run/stepwise/asl"
)

// jsonLines reads a JSON Lines object: one JSON value a line, blank lines
// skipped.
type jsonLines struct {
	r *Reader
	o *object
}

func (j *jsonLines) next(ctx context.Context) (any, error) {
	for {
		at := j.r.at(j.o.bucket, j.o.key, "line")
		line, err := readLine(j.o, at)
		if err != nil {
			return nil, err
		}
		j.r.pos.Records++
		j.r.pos.Offset = j.o.offset()
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		v, err := asl.DecodeJSON(line)
		if err != nil {
			return nil, readerFailed("%s is not a JSON value: %v", at, err)
		}
		return v, nil
	}
}

func (j *jsonLines) close() error { return j.o.close() }

// readLine reads up to and including the next newline, returning the
// line without it; io.EOF when nothing is left. at names the line in
// errors.
func readLine(o *object, at string) ([]byte, error) {
	var line []byte
	for {
		chunk, err := o.br.ReadSlice('\n')
		o.n += int64(len(chunk))
		line = append(line, chunk...)
		if len(line) > MaxItemBytes+1 {
			return nil, readerFailed("%s is longer than the item limit of %d bytes", at, MaxItemBytes)
		}
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(line) == 0 {
				return nil, io.EOF
			}
			return line, nil
		default:
			return nil, readerFailed("%s: %v", at, err)
		}
	}
}
