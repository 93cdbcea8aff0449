package itemio

import (
	"context"
	"encoding/json"
	"io"
	"strings"
)

// inventory is the manifest.json of an S3 inventory report (InputType
// MANIFEST): its CSV files, in destinationBucket, hold one object a row
// with the columns fileSchema names.
type inventory struct {
	bucket  string
	headers []string
	files   []string
}

// maxManifestBytes bounds the manifest.json read into memory.
const maxManifestBytes = 64 << 20

func (r *Reader) openInventory(ctx context.Context) error {
	o, err := r.getObject(ctx, r.bucket, r.key, r.version, 0)
	if err != nil {
		return err
	}
	defer o.close()
	data, err := io.ReadAll(io.LimitReader(o.br, maxManifestBytes))
	if err != nil {
		return storeError(ctx, err, "reading s3://%s/%s", r.bucket, r.key)
	}
	var m struct {
		DestinationBucket string `json:"destinationBucket"`
		FileFormat        string `json:"fileFormat"`
		FileSchema        string `json:"fileSchema"`
		Files             []struct {
			Key string `json:"key"`
		} `json:"files"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return readerFailed("s3://%s/%s is not an S3 inventory manifest: %v", r.bucket, r.key, err)
	}
	if m.FileFormat != "CSV" {
		return readerFailed("s3://%s/%s lists %q files; only CSV inventory reports can be read", r.bucket, r.key, m.FileFormat)
	}
	inv := &inventory{bucket: m.DestinationBucket}
	// destinationBucket is an ARN, arn:aws:s3:::name.
	if i := strings.LastIndex(inv.bucket, ":"); i >= 0 {
		inv.bucket = inv.bucket[i+1:]
	}
	for _, col := range strings.Split(m.FileSchema, ",") {
		inv.headers = append(inv.headers, strings.TrimSpace(col))
	}
	if r.cfg.HeaderLocation == HeaderGiven {
		inv.headers = r.cfg.Headers
	}
	if inv.bucket == "" || len(inv.headers) == 0 || inv.headers[0] == "" {
		return readerFailed("s3://%s/%s needs destinationBucket and fileSchema", r.bucket, r.key)
	}
	for _, f := range m.Files {
		inv.files = append(inv.files, f.Key)
	}
	r.inventory = inv
	return r.openInventoryFile(ctx)
}

// openInventoryFile opens the file the position names, or ends the
// reader past the last one.
func (r *Reader) openInventoryFile(ctx context.Context) error {
	if r.pos.File >= len(r.inventory.files) {
		r.src = exhausted{}
		return nil
	}
	src, err := r.openFile(ctx, r.inventory.bucket, r.inventory.files[r.pos.File], "", InputManifest, r.inventory.headers)
	if err != nil {
		return err
	}
	r.src = src
	return nil
}

// nextInventoryFile moves on to the next file; io.EOF after the last.
func (r *Reader) nextInventoryFile(ctx context.Context) error {
	if r.pos.File >= len(r.inventory.files)-1 {
		return io.EOF
	}
	if err := r.src.close(); err != nil {
		return err
	}
	r.pos.File++
	r.pos.Offset, r.pos.Records = 0, 0
	return r.openInventoryFile(ctx)
}
