package store

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// Activity is a named Task resource served by polling workers.
type Activity struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	ARN       string    `db:"arn"`
	CreatedAt time.Time `db:"created_at"`
	// The encryptionConfiguration given at creation; nil type means none.
	EncryptionType               *string `db:"encryption_type"`
	KMSKeyID                     *string `db:"kms_key_id"`
	KMSDataKeyReusePeriodSeconds *int32  `db:"kms_data_key_reuse_period_seconds"`
}

// Encryption is the activity's encryption configuration as a Config
// holds it.
func (a *Activity) Encryption() Config {
	return Config{EncryptionType: a.EncryptionType, KMSKeyID: a.KMSKeyID, KMSDataKeyReusePeriodSeconds: a.KMSDataKeyReusePeriodSeconds}
}

func asActivity(r *db.StepwiseActivity) *Activity {
	return &Activity{ID: r.ID, Name: r.Name, ARN: r.ARN, CreatedAt: r.CreatedAt,
		EncryptionType: r.EncryptionType, KMSKeyID: r.KmsKeyID, KMSDataKeyReusePeriodSeconds: r.KmsDataKeyReusePeriodSeconds}
}

// InsertActivity creates an activity with the encryption configuration
// of enc (its other fields are ignored), or returns the one of that name.
func InsertActivity(ctx context.Context, q Querier, name, arn string, enc Config) (*Activity, error) {
	row, err := queries(q).InsertActivity(ctx, db.InsertActivityParams{Name: name, ARN: arn,
		EncryptionType: enc.EncryptionType, KmsKeyID: enc.KMSKeyID, KmsDataKeyReusePeriodSeconds: enc.KMSDataKeyReusePeriodSeconds})
	if err != nil {
		return nil, err
	}
	return asActivity(&row), nil
}

// GetActivity reads an activity by name.
func GetActivity(ctx context.Context, q Querier, name string) (*Activity, error) {
	row, err := queries(q).GetActivity(ctx, name)
	return onePtr(row, err, asActivity)
}

// ListActivities returns up to limit activities named after "after".
func ListActivities(ctx context.Context, q Querier, after string, limit int) ([]*Activity, error) {
	rows, err := queries(q).ListActivities(ctx, db.ListActivitiesParams{After: after, MaxRows: int32(limit)})
	return ptrs(rows, err, asActivity)
}

// DeleteActivity removes an activity.
func DeleteActivity(ctx context.Context, q Querier, name string) error {
	return queries(q).DeleteActivity(ctx, name)
}

// ActivityTask is a task waiting for, or taken by, an activity worker.
type ActivityTask struct {
	Token       string `db:"token"`
	Activity    string `db:"activity"`
	ExecutionID int64  `db:"execution_id"`
	RunID       int64  `db:"run_id"`
	Seq         int64  `db:"seq"`
	Input       string `db:"input"`
}

// InsertActivityTask queues a task for the activity's workers.
func InsertActivityTask(ctx context.Context, q Querier, t *ActivityTask) error {
	return queries(q).InsertActivityTask(ctx, db.InsertActivityTaskParams(*t))
}

// ClaimActivityTask takes the oldest waiting task of an activity for a
// worker; ErrNotFound means none is waiting.
func ClaimActivityTask(ctx context.Context, q Querier, activity, worker string) (*ActivityTask, error) {
	row, err := queries(q).ClaimActivityTask(ctx, db.ClaimActivityTaskParams{Activity: activity, Worker: worker})
	return onePtr(row, err, func(r *db.ClaimActivityTaskRow) *ActivityTask { return (*ActivityTask)(r) })
}

// DeleteActivityTask removes a task that closed.
func DeleteActivityTask(ctx context.Context, q Querier, token string) error {
	return queries(q).DeleteActivityTask(ctx, token)
}
