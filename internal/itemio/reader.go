package itemio

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/stepwise-run/stepwise/asl"
)

// MaxItemBytes is the largest item a reader accepts: AWS reads items of
// up to 8 MB from JSON, JSON Lines and CSV files (an ItemSelector must
// then shrink them under the 256 KiB input limit).
const MaxItemBytes = 8 << 20

// Position is where a Reader stands: the engine stores it with the Map
// run and passes it back to Open after a crash, and reading goes on with
// the item after the last one it had. The zero Position is the start.
type Position struct {
	// Items counts the items read so far; MaxItems bounds it.
	Items int64 `json:"items,omitempty"`
	// File is the index, in an inventory manifest's files list, of the
	// file being read (MANIFEST only).
	File int `json:"file,omitempty"`
	// Offset is the byte offset, in the object being read, just past the
	// last item read; a resumed reader asks the store for the bytes from
	// there on. Compressed objects leave it 0.
	Offset int64 `json:"offset,omitempty"`
	// Records counts the records read from the current object: JSON
	// Lines lines, CSV rows (the header row included) or array elements.
	// A compressed object, which cannot be read from an offset, is read
	// again from its start, skipping this many records.
	Records int64 `json:"records,omitempty"`
	// Key is the last key listed (listObjectsV2 only).
	Key string `json:"key,omitempty"`
}

// Request is what the engine resolved for one Map run: the ItemReader's
// Parameters (or Arguments) with every path and expression evaluated,
// and MaxItems from MaxItemsPath or a JSONata expression (0 takes the
// literal ReaderConfig.MaxItems; no limit when that is 0 too).
type Request struct {
	Parameters map[string]any
	MaxItems   int64
}

// Reader yields the items of an ItemReader one at a time, holding one
// record (or one page of a listing) in memory, never the whole data set.
type Reader struct {
	store    Store
	cfg      *ReaderConfig
	bucket   string
	key      string
	version  string
	owner    string
	maxItems int64
	pos      Position
	src      source
	// inventory is the parsed manifest.json of a MANIFEST reader.
	inventory *inventory
}

// source is one format's decoder over the current object or listing: next
// returns the next item and updates the reader's position, io.EOF at its
// end.
type source interface {
	next(ctx context.Context) (any, error)
	close() error
}

// Open starts reading what cfg describes, at Position at (the zero
// Position for a new run). Problems with the parameters or the data are
// *asl.Error values named States.ItemReaderFailed.
func Open(ctx context.Context, store Store, cfg *ReaderConfig, req Request, at Position) (*Reader, error) {
	r := &Reader{store: store, cfg: cfg, pos: at, maxItems: req.MaxItems}
	if r.maxItems == 0 {
		r.maxItems = cfg.MaxItems.Value
	}
	if r.maxItems < 0 || r.maxItems > maxReaderItems {
		return nil, readerFailed("MaxItems must be an integer from 0 to %d, not %d", maxReaderItems, r.maxItems)
	}
	var err error
	if r.bucket, err = parameter(req.Parameters, "Bucket", true); err != nil {
		return nil, err
	}
	if r.owner, err = parameter(req.Parameters, "ExpectedBucketOwner", false); err != nil {
		return nil, err
	}
	if cfg.Resource == ResourceListObjectsV2 {
		if r.key, err = parameter(req.Parameters, "Prefix", false); err != nil {
			return nil, err
		}
		r.src = &listing{r: r}
		return r, nil
	}
	if r.key, err = parameter(req.Parameters, "Key", true); err != nil {
		return nil, err
	}
	if r.version, err = parameter(req.Parameters, "VersionId", false); err != nil {
		return nil, err
	}
	if cfg.InputType == InputManifest {
		return r, r.openInventory(ctx)
	}
	r.src, err = r.openFile(ctx, r.bucket, r.key, r.version, cfg.InputType, r.cfg.Headers)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// parameter reads a string parameter.
func parameter(params map[string]any, name string, required bool) (string, error) {
	v, ok := params[name]
	if !ok || v == nil {
		if required {
			return "", readerFailed("the ItemReader parameter %s is required", name)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok || (required && s == "") {
		return "", readerFailed("the ItemReader parameter %s must be a non-empty string, not %s", name, asl.EncodeJSON(v))
	}
	return s, nil
}

// Next returns the next item, or io.EOF after the last one (or after
// MaxItems items).
func (r *Reader) Next(ctx context.Context) (any, error) {
	if r.maxItems > 0 && r.pos.Items >= r.maxItems {
		return nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for {
		item, err := r.src.next(ctx)
		if err == nil {
			r.pos.Items++
			return item, nil
		}
		if !errors.Is(err, io.EOF) || r.inventory == nil {
			return nil, err
		}
		// The end of one inventory file: go on with the next.
		if err := r.nextInventoryFile(ctx); err != nil {
			return nil, err
		}
	}
}

// Position is where a new Reader resumes to read the item after the last
// one Next returned.
func (r *Reader) Position() Position { return r.pos }

// Close releases the object being read.
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	return r.src.close()
}

// readerFailed is the States.ItemReaderFailed error AWS raises.
func readerFailed(format string, args ...any) *asl.Error {
	return asl.NewError(asl.ErrorItemReaderFailed, format, args...)
}

// at names the object and record of a problem in an error cause.
func (r *Reader) at(bucket, key, unit string) string {
	return fmt.Sprintf("s3://%s/%s, %s %d", bucket, key, unit, r.pos.Records+1)
}
