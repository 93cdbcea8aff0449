package itemio

import (
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// listing reads the objects under a prefix (s3:listObjectsV2), one page
// of up to 1,000 keys at a time. Each item is the object's metadata as
// AWS gives it to a child execution: Etag (quoted, as S3 returns it),
// Key, LastModified (Unix seconds), Size and StorageClass.
type listing struct {
	r       *Reader
	page    []types.Object
	token   *string
	started bool
}

func (l *listing) next(ctx context.Context) (any, error) {
	r := l.r
	for len(l.page) == 0 {
		if l.started && l.token == nil {
			return nil, io.EOF
		}
		in := &s3.ListObjectsV2Input{Bucket: aws.String(r.bucket), ContinuationToken: l.token}
		if r.key != "" {
			in.Prefix = aws.String(r.key)
		}
		if !l.started && r.pos.Key != "" {
			in.StartAfter = aws.String(r.pos.Key)
		}
		if r.owner != "" {
			in.ExpectedBucketOwner = aws.String(r.owner)
		}
		out, err := r.store.ListObjectsV2(ctx, in)
		if err != nil {
			return nil, storeError(ctx, err, "listing s3://%s/%s", r.bucket, r.key)
		}
		l.started = true
		l.page, l.token = out.Contents, nil
		if aws.ToBool(out.IsTruncated) {
			l.token = out.NextContinuationToken
		}
	}
	o := l.page[0]
	l.page = l.page[1:]
	r.pos.Key = aws.ToString(o.Key)
	r.pos.Records++
	class := string(o.StorageClass)
	if class == "" {
		class = string(types.ObjectStorageClassStandard)
	}
	var modified int64
	if o.LastModified != nil {
		modified = o.LastModified.Unix()
	}
	return map[string]any{
		"Etag":         aws.ToString(o.ETag),
		"Key":          r.pos.Key,
		"LastModified": modified,
		"Size":         aws.ToInt64(o.Size),
		"StorageClass": class,
	}, nil
}

func (l *listing) close() error { return nil }
