package store

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// StateMachine is a named state machine; its definitions are Versions.
// Its fields are db.StepwiseStateMachine's.
type StateMachine struct {
	ID            int64     `db:"id"`
	Name          string    `db:"name"`
	ARN           string    `db:"arn"`
	LatestVersion int       `db:"latest_version"`
	CreatedAt     time.Time `db:"created_at"`
	// Type is TypeStandard or TypeExpress, fixed at creation.
	Type string `db:"type"`
	// LastPublished is the number of the machine's last published
	// version, deleted or not (0: none yet); version numbers are never
	// used twice.
	LastPublished int `db:"last_published"`
	// RetentionSeconds is how long the machine's closed executions are
	// kept, in seconds; nil follows the installation's retention
	// (engine.Config.RetentionPeriod), negative keeps them for ever.
	RetentionSeconds *int64 `db:"retention_seconds"`
}

// The types of a state machine (AWS's StateMachineType).
const (
	// TypeStandard machines commit every transition (the default).
	TypeStandard = "STANDARD"
	// TypeExpress machines run in memory and write nothing per transition.
	TypeExpress = "EXPRESS"
)

// Version is one immutable definition of a state machine (a revision)
// with its configuration. Its fields are db.StepwiseStateMachineVersion's.
type Version struct {
	StateMachineID int64     `db:"state_machine_id"`
	Version        int       `db:"version"`
	Definition     string    `db:"definition"`
	InputSchema    *string   `db:"input_schema"`
	CreatedAt      time.Time `db:"created_at"`
	Config
}

// Config is the configuration of a revision that AWS clients send with
// CreateStateMachine and UpdateStateMachine and read back; Stepwise keeps
// it and acts on none of it. Its fields are the last ones of
// db.StepwiseStateMachineVersion's.
type Config struct {
	// RoleARN is the IAM role given; nil means none.
	RoleARN *string `db:"role_arn"`
	// TracingEnabled is tracingConfiguration.enabled (false by default).
	TracingEnabled bool `db:"tracing_enabled"`
	// EncryptionType is encryptionConfiguration.type, AWS_OWNED_KEY or
	// CUSTOMER_MANAGED_KMS_KEY; nil means none given.
	EncryptionType *string `db:"encryption_type"`
	// KMSKeyID and KMSDataKeyReusePeriodSeconds are the rest of the
	// encryptionConfiguration; nil means not given.
	KMSKeyID                     *string `db:"kms_key_id"`
	KMSDataKeyReusePeriodSeconds *int32  `db:"kms_data_key_reuse_period_seconds"`
}

func asMachine(r *db.StepwiseStateMachine) *StateMachine { return (*StateMachine)(r) }

func asVersion(r *db.StepwiseStateMachineVersion) *Version {
	return &Version{StateMachineID: r.StateMachineID, Version: r.Version, Definition: r.Definition, InputSchema: r.InputSchema,
		CreatedAt: r.CreatedAt, Config: Config{RoleARN: r.RoleArn, TracingEnabled: r.TracingEnabled, EncryptionType: r.EncryptionType,
			KMSKeyID: r.KmsKeyID, KMSDataKeyReusePeriodSeconds: r.KmsDataKeyReusePeriodSeconds}}
}

func oneMachine(row db.StepwiseStateMachine, err error) (*StateMachine, error) {
	return onePtr(row, err, asMachine)
}

func oneVersion(row db.StepwiseStateMachineVersion, err error) (*Version, error) {
	return onePtr(row, err, asVersion)
}

// InsertStateMachine creates a state machine of type typ (TypeStandard
// or TypeExpress; "" means TypeStandard) with no version yet.
func InsertStateMachine(ctx context.Context, q Querier, name, arn, typ string) (*StateMachine, error) {
	if typ == "" {
		typ = TypeStandard
	}
	sm, err := oneMachine(queries(q).InsertStateMachine(ctx, db.InsertStateMachineParams{Name: name, ARN: arn, Type: typ}))
	return sm, conflict(err)
}

// GetStateMachineByName looks a state machine up by name.
func GetStateMachineByName(ctx context.Context, q Querier, name string) (*StateMachine, error) {
	return oneMachine(queries(q).GetStateMachineByName(ctx, name))
}

// GetStateMachine looks a state machine up by id.
func GetStateMachine(ctx context.Context, q Querier, id int64) (*StateMachine, error) {
	return oneMachine(queries(q).GetStateMachine(ctx, id))
}

// LockStateMachine reads a state machine and locks it until the
// transaction ends.
func LockStateMachine(ctx context.Context, q Querier, id int64) (*StateMachine, error) {
	return oneMachine(queries(q).LockStateMachine(ctx, id))
}

// ListStateMachines returns up to limit machines named after "after", in
// name order.
func ListStateMachines(ctx context.Context, q Querier, after string, limit int) ([]*StateMachine, error) {
	rows, err := queries(q).ListStateMachines(ctx, db.ListStateMachinesParams{After: after, MaxRows: int32(limit)})
	return ptrs(rows, err, asMachine)
}

// DeleteStateMachine removes a machine with its versions.
func DeleteStateMachine(ctx context.Context, q Querier, id int64) error {
	return queries(q).DeleteStateMachine(ctx, id)
}

// InsertVersion adds the next numbered version of a state machine, with
// its configuration.
func InsertVersion(ctx context.Context, q Querier, machineID int64, definition string, inputSchema *string, c Config) (*Version, error) {
	return oneVersion(queries(q).InsertVersion(ctx, db.InsertVersionParams{StateMachineID: machineID,
		Definition: definition, InputSchema: inputSchema, RoleArn: c.RoleARN, TracingEnabled: c.TracingEnabled,
		EncryptionType: c.EncryptionType, KmsKeyID: c.KMSKeyID, KmsDataKeyReusePeriodSeconds: c.KMSDataKeyReusePeriodSeconds}))
}

// GetVersion reads one version of a state machine.
func GetVersion(ctx context.Context, q Querier, machineID int64, version int) (*Version, error) {
	return oneVersion(queries(q).GetVersion(ctx, db.GetVersionParams{StateMachineID: machineID, Version: version}))
}

// ListVersions returns every version of a machine, newest first.
func ListVersions(ctx context.Context, q Querier, machineID int64) ([]*Version, error) {
	rows, err := queries(q).ListVersions(ctx, machineID)
	return ptrs(rows, err, asVersion)
}

// VersionInfo is a state machine version without its definition.
type VersionInfo struct {
	Version        int       `db:"version"`
	CreatedAt      time.Time `db:"created_at"`
	HasInputSchema bool      `db:"has_input_schema"`
}

// ListVersionInfo returns every version of a machine, newest first,
// without definitions.
func ListVersionInfo(ctx context.Context, q Querier, machineID int64) ([]VersionInfo, error) {
	rows, err := queries(q).ListVersionInfo(ctx, machineID)
	return vals(rows, err, func(r *db.ListVersionInfoRow) *VersionInfo { return (*VersionInfo)(r) })
}

// MachineVersion is a state machine with one of its versions.
type MachineVersion struct {
	StateMachine
	Version          int       `db:"version"`
	Definition       string    `db:"definition"`
	InputSchema      *string   `db:"input_schema"`
	VersionCreatedAt time.Time `db:"version_created_at"`
	Config
}

// GetMachineVersion reads a machine by name with a version of it (0 means
// the latest) in one query.
func GetMachineVersion(ctx context.Context, q Querier, name string, version int) (*MachineVersion, error) {
	r, err := queries(q).GetMachineVersion(ctx, db.GetMachineVersionParams{Name: name, Version: int32(version)})
	if err != nil {
		return nil, notFound(err)
	}
	return &MachineVersion{
		StateMachine: StateMachine{ID: r.ID, Name: r.Name, ARN: r.ARN, LatestVersion: r.LatestVersion, CreatedAt: r.CreatedAt, Type: r.Type, LastPublished: r.LastPublished,
			RetentionSeconds: r.RetentionSeconds},
		Version: r.Version, Definition: r.Definition, InputSchema: r.InputSchema, VersionCreatedAt: r.VersionCreatedAt,
		Config: Config{RoleARN: r.RoleArn, TracingEnabled: r.TracingEnabled, EncryptionType: r.EncryptionType,
			KMSKeyID: r.KmsKeyID, KMSDataKeyReusePeriodSeconds: r.KmsDataKeyReusePeriodSeconds},
	}, nil
}
