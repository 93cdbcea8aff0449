package sfn

import (
	"context"
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// State machine operations. A machine is of type STANDARD (the default)
// or EXPRESS, fixed at creation; every CreateStateMachine and
// UpdateStateMachine with a definition makes a revision, whose revisionId
// is its internal number; with publish it also publishes it as a version
// (see versions.go).

// awsLogging is AWS's loggingConfiguration (see
// engine.LoggingConfiguration); awsTracing and awsEncryption are the
// tracingConfiguration and encryptionConfiguration, stored and answered
// as sent (Stepwise traces nothing and uses no KMS key: see
// engine/config.go).
type awsLogging struct {
	Level                string           `json:"level"`
	IncludeExecutionData bool             `json:"includeExecutionData"`
	Destinations         []logDestination `json:"destinations,omitempty"`
}

type logDestination struct {
	CloudWatchLogsLogGroup *logGroup `json:"cloudWatchLogsLogGroup,omitempty"`
}

type logGroup struct {
	LogGroupArn string `json:"logGroupArn"`
}

type awsTracing struct {
	Enabled bool `json:"enabled"`
}

type awsEncryption struct {
	Type                         string  `json:"type"`
	KMSKeyID                     *string `json:"kmsKeyId,omitempty"`
	KMSDataKeyReusePeriodSeconds *int    `json:"kmsDataKeyReusePeriodSeconds,omitempty"`
}

// machineConfig is the configuration fields CreateStateMachine and
// UpdateStateMachine share besides the definition and logging.
type machineConfig struct {
	RoleArn                 *string        `json:"roleArn"`
	TracingConfiguration    *awsTracing    `json:"tracingConfiguration"`
	EncryptionConfiguration *awsEncryption `json:"encryptionConfiguration"`
}

// spec puts the configuration into a spec; the engine judges it.
func (c machineConfig) spec(spec engine.MachineSpec) engine.MachineSpec {
	spec.RoleARN = c.RoleArn
	if c.TracingConfiguration != nil {
		spec.Tracing = &c.TracingConfiguration.Enabled
	}
	spec.Encryption = c.EncryptionConfiguration.engine()
	return spec
}

// engine is the encryption configuration e gives; nil stays nil.
func (e *awsEncryption) engine() *engine.Encryption {
	if e == nil {
		return nil
	}
	return &engine.Encryption{Type: e.Type, KMSKeyID: orEmpty(e.KMSKeyID), KMSDataKeyReusePeriodSeconds: e.KMSDataKeyReusePeriodSeconds}
}

// configOut is a revision's configuration as AWS describes it.
func configOut(c store.Config) (awsTracing, awsEncryption) {
	return awsTracing{Enabled: c.TracingEnabled}, encryptionOut(c)
}

// encryptionOut is the encryption configuration c holds as AWS describes
// it.
func encryptionOut(c store.Config) awsEncryption {
	e := engine.EncryptionOf(c)
	return awsEncryption{Type: e.Type, KMSKeyID: nonEmpty(e.KMSKeyID), KMSDataKeyReusePeriodSeconds: e.KMSDataKeyReusePeriodSeconds}
}

// logging reads an optional loggingConfiguration; nil stays nil. A level
// outside AWS's enum is a ValidationException, as AWS answers; the
// engine judges the rest (InvalidLoggingConfiguration).
func (l *awsLogging) logging() (*engine.LoggingConfiguration, error) {
	if l == nil {
		return nil, nil
	}
	if err := oneOf("loggingConfiguration.level", l.Level, "ALL", "ERROR", "FATAL", "OFF"); err != nil {
		return nil, err
	}
	out := &engine.LoggingConfiguration{Level: l.Level, IncludeExecutionData: l.IncludeExecutionData}
	for _, d := range l.Destinations {
		arn := ""
		if d.CloudWatchLogsLogGroup != nil {
			arn = d.CloudWatchLogsLogGroup.LogGroupArn
		}
		out.Destinations = append(out.Destinations, arn)
	}
	return out, nil
}

// loggingOut is a machine's configuration as AWS describes it.
func (a *api) loggingOut(ctx context.Context, machineID int64) (awsLogging, error) {
	l, err := a.eng.Logging(ctx, machineID)
	if err != nil {
		return awsLogging{}, err
	}
	out := awsLogging{Level: l.Level, IncludeExecutionData: l.IncludeExecutionData}
	for _, arn := range l.Destinations {
		out.Destinations = append(out.Destinations, logDestination{CloudWatchLogsLogGroup: &logGroup{LogGroupArn: arn}})
	}
	return out, nil
}

// machineVersion reads a machine with one of its versions (0 means the
// latest).
func (a *api) machineVersion(ctx context.Context, ref arn.StateMachine) (*store.MachineVersion, error) {
	mv, err := a.eng.MachineVersion(ctx, ref.Name, ref.Version)
	if errors.Is(err, engine.ErrStateMachineDoesNotExist) {
		return nil, fmt.Errorf("%w: State Machine Does Not Exist: '%s'", engine.ErrStateMachineDoesNotExist, ref)
	}
	return mv, err
}

// parseWholeMachineARN parses the stateMachineArn of an operation on a
// whole machine; a version's ARN is refused, the refusal saying why.
func parseWholeMachineARN(s *string, why string) (arn.StateMachine, error) {
	ref, err := parseMachineARN("stateMachineArn", s)
	if err == nil && ref.Version != 0 {
		err = labeledARN("'%s' is a version"+why, *s)
	}
	return ref, err
}

// checkType accepts STANDARD and EXPRESS (or none: STANDARD).
func checkType(typ string) error {
	return oneOf("type", typ, store.TypeStandard, store.TypeExpress)
}

// check applies AWS's constraints on the fields of a machine's
// configuration.
func (c machineConfig) check() error {
	return errors.Join(minLength("roleArn", c.RoleArn, 1), maxLength("roleArn", c.RoleArn, maxARN))
}

type createStateMachineInput struct {
	Name       *string `json:"name"`
	Definition *string `json:"definition"`
	machineConfig
	Type                 string      `json:"type"`
	Publish              bool        `json:"publish"`
	VersionDescription   *string     `json:"versionDescription"`
	LoggingConfiguration *awsLogging `json:"loggingConfiguration"`
	Tags                 []awsTag    `json:"tags"`
}

type createStateMachineOutput struct {
	StateMachineArn string `json:"stateMachineArn"`
	CreationDate    epoch  `json:"creationDate"`
	publishedVersion
}

// publishedVersion is the version ARN that CreateStateMachine and
// UpdateStateMachine answer when asked to publish.
type publishedVersion struct {
	StateMachineVersionArn *string `json:"stateMachineVersionArn,omitempty"`
}

// createStateMachine creates a machine. As on AWS, creating a machine
// that exists with the same definition and type returns it; a different
// definition or type is StateMachineAlreadyExists.
func (a *api) createStateMachine(ctx context.Context, in *createStateMachineInput) (*createStateMachineOutput, error) {
	logging, loggingErr := in.LoggingConfiguration.logging()
	tags, tagsErr := tagsIn("tags", in.Tags)
	if err := errors.Join(nameField("name", in.Name), definitionField("definition", in.Definition, true), in.machineConfig.check(),
		checkType(in.Type), loggingErr, sensitive(maxLength("versionDescription", in.VersionDescription, maxDescription)), tagsErr); err != nil {
		return nil, err
	}
	typ := in.Type
	if typ == "" {
		typ = store.TypeStandard
	}
	spec := in.machineConfig.spec(engine.MachineSpec{Definition: *in.Definition, Type: typ, Logging: logging, Tags: tags})
	sm, v, err := a.eng.CreateStateMachine(ctx, *in.Name, spec)
	if errors.Is(err, engine.ErrStateMachineExists) {
		mv, err := a.existing(ctx, *in.Name, spec)
		if err != nil {
			return nil, err
		}
		sm, v = &mv.StateMachine, &store.Version{Version: mv.Version, CreatedAt: mv.VersionCreatedAt}
	} else if err != nil {
		return nil, err
	}
	published, err := a.publish(ctx, in.Publish, sm, v.Version, in.VersionDescription)
	if err != nil {
		return nil, err
	}
	return &createStateMachineOutput{StateMachineArn: sm.ARN, CreationDate: epoch(sm.CreatedAt), publishedVersion: published}, nil
}

// existing answers a CreateStateMachine of a machine that exists: its
// latest version when its definition, type, tracing, encryption and
// logging configuration are the ones asked for (the role is not
// compared, as on AWS), else StateMachineAlreadyExists.
func (a *api) existing(ctx context.Context, name string, spec engine.MachineSpec) (*store.MachineVersion, error) {
	mv, err := a.eng.MachineVersion(ctx, name, 0)
	if err != nil || mv.Definition != spec.Definition || mv.Type != spec.Type {
		return nil, fmt.Errorf("%w: State Machine Already Exists: '%s' has a different definition or type", engine.ErrStateMachineExists, name)
	}
	if !engine.SameConfig(mv.Config, spec) {
		return nil, fmt.Errorf("%w: State Machine Already Exists: '%s' has a different tracingConfiguration or encryptionConfiguration", engine.ErrStateMachineExists, name)
	}
	logging := spec.Logging
	have, err := a.eng.Logging(ctx, mv.ID)
	if err != nil {
		return nil, err
	}
	if logging == nil {
		logging = &engine.LoggingConfiguration{}
	}
	if !have.Same(*logging) {
		return nil, fmt.Errorf("%w: State Machine Already Exists: '%s' has a different loggingConfiguration", engine.ErrStateMachineExists, name)
	}
	return mv, nil
}

type updateStateMachineInput struct {
	StateMachineArn      *string     `json:"stateMachineArn"`
	Definition           *string     `json:"definition"`
	LoggingConfiguration *awsLogging `json:"loggingConfiguration"`
	machineConfig
	Publish            bool    `json:"publish"`
	VersionDescription *string `json:"versionDescription"`
}

type updateStateMachineOutput struct {
	UpdateDate epoch  `json:"updateDate"`
	RevisionID string `json:"revisionId"`
	publishedVersion
}

// updateStateMachine adds a version with the new definition; running
// executions keep theirs. The latest version's input schema (set through
// the REST API) carries over. A loggingConfiguration replaces the
// machine's (AWS keeps it per machine), with or without a definition. A
// roleArn, tracingConfiguration or encryptionConfiguration makes a new
// revision (AWS keeps them per version), with the latest definition when
// none is given; what is not given carries over.
func (a *api) updateStateMachine(ctx context.Context, in *updateStateMachineInput) (*updateStateMachineOutput, error) {
	ref, err := parseWholeMachineARN(in.StateMachineArn, ", which cannot change; update the state machine")
	if err != nil {
		return nil, err
	}
	logging, loggingErr := in.LoggingConfiguration.logging()
	if err := errors.Join(definitionField("definition", in.Definition, false), in.machineConfig.check(), loggingErr,
		sensitive(maxLength("versionDescription", in.VersionDescription, maxDescription))); err != nil {
		return nil, err
	}
	reconfigured := in.RoleArn != nil || in.TracingConfiguration != nil || in.EncryptionConfiguration != nil
	if in.Definition == nil && in.LoggingConfiguration == nil && !reconfigured {
		return nil, awsErrorf(awsMissingParameter, "Either the definition, the roleArn, the loggingConfiguration, the tracingConfiguration or the encryptionConfiguration must be specified")
	}
	latest, err := a.machineVersion(ctx, ref)
	if err != nil {
		return nil, err
	}
	v := &store.Version{Version: latest.Version, CreatedAt: latest.VersionCreatedAt}
	switch {
	case in.Definition != nil || reconfigured:
		definition := latest.Definition
		if in.Definition != nil {
			definition = *in.Definition
		}
		spec := in.machineConfig.spec(engine.MachineSpec{Definition: definition, InputSchema: orEmpty(latest.InputSchema), Logging: logging})
		if v, err = a.eng.UpdateStateMachine(ctx, ref.Name, spec); err != nil {
			return nil, err
		}
	case logging != nil:
		if err := a.eng.SetLogging(ctx, ref.Name, *logging); err != nil {
			return nil, err
		}
	}
	published, err := a.publish(ctx, in.Publish, &latest.StateMachine, v.Version, in.VersionDescription)
	if err != nil {
		return nil, err
	}
	return &updateStateMachineOutput{UpdateDate: epoch(v.CreatedAt), RevisionID: engine.RevisionID(latest.ID, v.Version), publishedVersion: published}, nil
}

type describeStateMachineInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
}

type describeStateMachineOutput struct {
	StateMachineArn         string        `json:"stateMachineArn"`
	Name                    string        `json:"name"`
	Status                  string        `json:"status"`
	Definition              string        `json:"definition"`
	RoleArn                 string        `json:"roleArn"`
	Type                    string        `json:"type"`
	CreationDate            epoch         `json:"creationDate"`
	RevisionID              string        `json:"revisionId"`
	Description             *string       `json:"description,omitempty"`
	LoggingConfiguration    awsLogging    `json:"loggingConfiguration"`
	TracingConfiguration    awsTracing    `json:"tracingConfiguration"`
	EncryptionConfiguration awsEncryption `json:"encryptionConfiguration"`
	// Label is AWS's for a Distributed Map's child machine; Stepwise
	// describes no such machine, so it is always absent.
	Label *string `json:"label,omitempty"`
}

// describeStateMachine describes a machine with its latest definition, or
// a version of it when the ARN names one.
func (a *api) describeStateMachine(ctx context.Context, in *describeStateMachineInput) (*describeStateMachineOutput, error) {
	ref, err := parseMachineARN("stateMachineArn", in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if ref.Version != 0 {
		return a.describeVersion(ctx, ref)
	}
	mv, err := a.machineVersion(ctx, ref)
	if err != nil {
		return nil, err
	}
	return a.describeRevision(ctx, &mv.StateMachine, &store.Version{Version: mv.Version, Definition: mv.Definition, Config: mv.Config})
}

type describeStateMachineForExecutionInput struct {
	executionRef
}

type describeStateMachineForExecutionOutput struct {
	StateMachineArn         string        `json:"stateMachineArn"`
	Name                    string        `json:"name"`
	Definition              string        `json:"definition"`
	RoleArn                 string        `json:"roleArn"`
	UpdateDate              epoch         `json:"updateDate"`
	RevisionID              string        `json:"revisionId"`
	LoggingConfiguration    awsLogging    `json:"loggingConfiguration"`
	TracingConfiguration    awsTracing    `json:"tracingConfiguration"`
	EncryptionConfiguration awsEncryption `json:"encryptionConfiguration"`
}

// describeStateMachineForExecution describes the machine version an
// execution runs.
func (a *api) describeStateMachineForExecution(ctx context.Context, in *describeStateMachineForExecutionInput) (*describeStateMachineForExecutionOutput, error) {
	exec, err := onExecution(ctx, in.executionRef, a.eng.Execution)
	if err != nil {
		return nil, err
	}
	sm, v, err := a.eng.ExecutionVersion(ctx, exec)
	if err != nil {
		return nil, err
	}
	logging, err := a.loggingOut(ctx, sm.ID)
	if err != nil {
		return nil, err
	}
	tracing, encryption := configOut(v.Config)
	return &describeStateMachineForExecutionOutput{
		StateMachineArn: sm.ARN, Name: sm.Name, Definition: v.Definition, RoleArn: engine.RoleOf(v.Config, sm.ARN),
		UpdateDate: epoch(v.CreatedAt), RevisionID: engine.RevisionID(sm.ID, v.Version),
		LoggingConfiguration: logging, TracingConfiguration: tracing, EncryptionConfiguration: encryption,
	}, nil
}

type listStateMachinesInput struct {
	pageRequest
}

type stateMachineListItem struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Type            string `json:"type"`
	CreationDate    epoch  `json:"creationDate"`
}

type listStateMachinesOutput struct {
	StateMachines []stateMachineListItem `json:"stateMachines"`
	NextToken     *string                `json:"nextToken,omitempty"`
}

// listStateMachines lists machines in name order.
func (a *api) listStateMachines(ctx context.Context, in *listStateMachinesInput) (*listStateMachinesOutput, error) {
	machines, next, err := byName(ctx, pagetoken.Machines, in.pageRequest, a.eng.ListStateMachines,
		func(sm *store.StateMachine) string { return sm.Name },
		func(sm *store.StateMachine) stateMachineListItem {
			return stateMachineListItem{StateMachineArn: sm.ARN, Name: sm.Name, Type: sm.Type, CreationDate: epoch(sm.CreatedAt)}
		})
	if err != nil {
		return nil, err
	}
	return &listStateMachinesOutput{StateMachines: machines, NextToken: next}, nil
}

type deleteStateMachineInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
}

type emptyOutput struct{}

// deleteStateMachine deletes a machine. Deleting one that does not exist
// succeeds, as on AWS; one with running executions is refused
// (ConflictException, HTTP 409: see apierror.Table), where AWS would let
// them finish first.
func (a *api) deleteStateMachine(ctx context.Context, in *deleteStateMachineInput) (*emptyOutput, error) {
	ref, err := parseWholeMachineARN(in.StateMachineArn, "; Stepwise deletes whole state machines only")
	if err != nil {
		return nil, err
	}
	err = a.eng.DeleteStateMachine(ctx, ref.Name, false)
	if err != nil && !errors.Is(err, engine.ErrStateMachineDoesNotExist) {
		return nil, err
	}
	return &emptyOutput{}, nil
}

type validateStateMachineDefinitionInput struct {
	Definition *string `json:"definition"`
	Type       string  `json:"type"`
	Severity   string  `json:"severity"`
	MaxResults int     `json:"maxResults"`
}

type validationDiagnostic struct {
	Severity string  `json:"severity"`
	Code     string  `json:"code"`
	Message  string  `json:"message"`
	Location *string `json:"location,omitempty"`
}

type validateStateMachineDefinitionOutput struct {
	Result      string                 `json:"result"`
	Diagnostics []validationDiagnostic `json:"diagnostics"`
	Truncated   bool                   `json:"truncated"`
}

// validateStateMachineDefinition checks a definition as CreateStateMachine
// would: besides AWS's rules, a feature Stepwise cannot run yet is an
// error (code UNSUPPORTED_FEATURE). Every diagnostic is an ERROR.
func (a *api) validateStateMachineDefinition(_ context.Context, in *validateStateMachineDefinitionInput) (*validateStateMachineDefinitionOutput, error) {
	limit, err := pageSize(in.MaxResults, 100, 100)
	if err := errors.Join(definitionField("definition", in.Definition, true), checkType(in.Type),
		oneOf("severity", in.Severity, "ERROR", "WARNING"), err); err != nil {
		return nil, err
	}
	diags := engine.ValidateMachineSpec(engine.MachineSpec{Definition: *in.Definition, Type: in.Type})
	out := &validateStateMachineDefinitionOutput{Result: "OK", Diagnostics: []validationDiagnostic{}}
	if len(diags) > 0 {
		out.Result = "FAIL"
	}
	if len(diags) > limit {
		diags, out.Truncated = diags[:limit], true
	}
	for _, d := range diags {
		out.Diagnostics = append(out.Diagnostics, validationDiagnostic{
			Severity: "ERROR", Code: d.Code, Message: d.Message, Location: nonEmpty(d.Pointer),
		})
	}
	return out, nil
}
