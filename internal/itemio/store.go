package itemio

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Store is the part of an S3 client the readers and the writer use:
// *s3.Client satisfies it, and tests pass one pointed at an S3 protocol
// server of their own.
type Store interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// StoreConfig is how the operator points Stepwise at an S3-compatible
// object store (AWS S3, MinIO, Ceph and the like).
type StoreConfig struct {
	// Endpoint is the store's base URL, such as http://minio:9000; empty
	// means AWS S3 itself, found from Region.
	Endpoint string
	// Region signs the requests; empty means the default chain's region,
	// or us-east-1 when it has none.
	Region string
	// AccessKeyID and SecretAccessKey (and SessionToken, if any) are
	// static credentials; with AccessKeyID empty the SDK's default chain
	// (environment, shared files, instance roles) supplies them.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// PathStyle addresses buckets as endpoint/bucket/key rather than
	// bucket.endpoint/key, as MinIO and most self-hosted stores need.
	PathStyle bool
}

// NewStore returns an S3 client for cfg; nil cfg means AWS S3 with the
// default credential chain.
func NewStore(ctx context.Context, cfg *StoreConfig) (*s3.Client, error) {
	if cfg == nil {
		cfg = &StoreConfig{}
	}
	var opts []func(*awsconfig.LoadOptions) error
	if cfg.Region != "" {
		opts = append(opts, awsconfig.WithRegion(cfg.Region))
	}
	if cfg.AccessKeyID != "" {
		if cfg.SecretAccessKey == "" {
			return nil, errors.New("itemio: an access key ID needs its secret access key")
		}
		opts = append(opts, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, err
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	return s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
		// Self-hosted stores vary in their support of the newer default
		// checksums; send and check them only where S3 requires them.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	}), nil
}
