package rest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/apierror"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// machineRequest is the body of POST /v1/state-machines (with Name), PUT
// /v1/state-machines/{name} and POST /v1/state-machines/validate (without).
// Definition and InputSchema are JSON objects, or strings holding one.
type machineRequest struct {
	Name string `json:"name"`
	// Tags are set at creation; PUT does not take them (see …/tags).
	Tags map[string]string `json:"tags"`
	specRequest
}

// specRequest is machineRequest without the name.
type specRequest struct {
	Definition  json.RawMessage `json:"definition"`
	InputSchema json.RawMessage `json:"inputSchema"`
	// Logging is optional: absent creates a machine at level OFF and
	// leaves an updated machine's configuration as it was.
	Logging *Logging `json:"loggingConfiguration"`
	// Type is STANDARD or EXPRESS; absent means STANDARD at creation and
	// the machine's own type at update (it cannot change).
	Type string `json:"type"`
	// RoleArn, TracingConfiguration and EncryptionConfiguration are
	// stored and shown as given (see engine/config.go); absent means none
	// at creation and the latest version's at update.
	RoleArn                 *string     `json:"roleArn"`
	TracingConfiguration    *Tracing    `json:"tracingConfiguration"`
	EncryptionConfiguration *Encryption `json:"encryptionConfiguration"`
	// RetentionSeconds is how long the machine's closed executions are
	// kept (engine.MachineSpec.Retention): 0 follows the installation's
	// retention, negative keeps them for ever; absent follows the
	// installation's at creation and leaves the machine's at update.
	RetentionSeconds *int64 `json:"retentionSeconds"`
}

// Tracing is AWS's tracingConfiguration: stored and shown, while
// Stepwise traces nothing with X-Ray.
type Tracing struct {
	Enabled bool `json:"enabled"`
}

// Encryption is AWS's encryptionConfiguration (see engine.Encryption):
// stored and shown, while Stepwise encrypts with no KMS key.
type Encryption struct {
	Type                         string `json:"type"`
	KMSKeyID                     string `json:"kmsKeyId,omitempty"`
	KMSDataKeyReusePeriodSeconds *int   `json:"kmsDataKeyReusePeriodSeconds,omitempty"`
}

// Logging is a machine's loggingConfiguration in REST requests and
// responses (see engine.LoggingConfiguration): AWS's fields, with the
// destinations as log group ARNs.
type Logging struct {
	Level                string   `json:"level"`
	IncludeExecutionData bool     `json:"includeExecutionData"`
	Destinations         []string `json:"destinations,omitempty"`
}

// engine is the configuration l describes; nil stays nil.
func (l *Logging) engine() *engine.LoggingConfiguration {
	if l == nil {
		return nil
	}
	return &engine.LoggingConfiguration{Level: l.Level, IncludeExecutionData: l.IncludeExecutionData, Destinations: l.Destinations}
}

// loggingView is a machine's configuration as REST answers it.
func loggingView(l engine.LoggingConfiguration) *Logging {
	return &Logging{Level: l.Level, IncludeExecutionData: l.IncludeExecutionData, Destinations: l.Destinations}
}

// spec reads the definition (required) and input schema (optional).
func (r specRequest) spec() (engine.MachineSpec, error) {
	def, err := documentText("definition", r.Definition)
	if err != nil {
		return engine.MachineSpec{}, err
	}
	if def == "" {
		return engine.MachineSpec{}, apierror.BadRequest("definition", "field \"definition\" is required: the state machine's ASL definition, as a JSON object or a string")
	}
	schema, err := documentText("inputSchema", r.InputSchema)
	spec := engine.MachineSpec{Definition: def, InputSchema: schema, Logging: r.Logging.engine(), Type: r.Type, RoleARN: r.RoleArn}
	if r.TracingConfiguration != nil {
		spec.Tracing = &r.TracingConfiguration.Enabled
	}
	if e := r.EncryptionConfiguration; e != nil {
		spec.Encryption = &engine.Encryption{Type: e.Type, KMSKeyID: e.KMSKeyID, KMSDataKeyReusePeriodSeconds: e.KMSDataKeyReusePeriodSeconds}
	}
	if r.RetentionSeconds != nil {
		d := time.Duration(*r.RetentionSeconds) * time.Second
		spec.Retention = &d
	}
	return spec, err
}

// decodeSpec reads a body of definition and input schema.
func decodeSpec(c echo.Context) (engine.MachineSpec, error) {
	var req specRequest
	if err := decodeBody(c, &req, false); err != nil {
		return engine.MachineSpec{}, err
	}
	return req.spec()
}

// documentText returns a JSON document given as an object or as a string
// holding one; absent or null is "".
func documentText(field string, raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch raw[0] {
	case '{':
		return string(raw), nil
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", apierror.BadRequest(field, "field %q: %v", field, err)
		}
		return s, nil
	}
	return "", apierror.BadRequest(field, "field %q must be a JSON object or a string holding one", field)
}

// StateMachine is a state machine in REST responses; lists leave out the
// definition and versions.
type StateMachine struct {
	Name          string    `json:"name"`
	ARN           string    `json:"arn"`
	CreatedAt     time.Time `json:"createdAt"`
	LatestVersion int       `json:"latestVersion"`
	// Type is STANDARD or EXPRESS.
	Type string `json:"type"`
	// Version is the version whose definition is shown.
	Version          int             `json:"version,omitempty"`
	VersionCreatedAt *time.Time      `json:"versionCreatedAt,omitempty"`
	Definition       json.RawMessage `json:"definition,omitempty"`
	InputSchema      json.RawMessage `json:"inputSchema,omitempty"`
	Versions         []Version       `json:"versions,omitempty"`
	// LoggingConfiguration is the machine's (not the version's); lists
	// leave it out.
	LoggingConfiguration *Logging `json:"loggingConfiguration,omitempty"`
	// RoleArn, TracingConfiguration and EncryptionConfiguration are the
	// shown version's; a machine created without a role shows a
	// placeholder role, without encryption AWS_OWNED_KEY. Lists leave
	// them out.
	RoleArn                 string      `json:"roleArn,omitempty"`
	TracingConfiguration    *Tracing    `json:"tracingConfiguration,omitempty"`
	EncryptionConfiguration *Encryption `json:"encryptionConfiguration,omitempty"`
	// RetentionSeconds is the machine's own retention of closed
	// executions, in seconds (negative: for ever); absent: the
	// installation's.
	RetentionSeconds *int64 `json:"retentionSeconds,omitempty"`
}

// Version is one version of a state machine in REST responses.
type Version struct {
	Version        int       `json:"version"`
	CreatedAt      time.Time `json:"createdAt"`
	HasInputSchema bool      `json:"hasInputSchema"`
}

func machineSummary(sm *store.StateMachine) StateMachine {
	return StateMachine{Name: sm.Name, ARN: sm.ARN, CreatedAt: sm.CreatedAt, LatestVersion: sm.LatestVersion, Type: sm.Type,
		RetentionSeconds: sm.RetentionSeconds}
}

func machineView(sm *store.StateMachine, v *store.Version, versions []store.VersionInfo) StateMachine {
	out := machineSummary(sm)
	out.Version = v.Version
	out.VersionCreatedAt = &v.CreatedAt
	out.Definition = RawJSON(v.Definition)
	if v.InputSchema != nil {
		out.InputSchema = RawJSON(*v.InputSchema)
	}
	e := engine.EncryptionOf(v.Config)
	out.RoleArn, out.TracingConfiguration = engine.RoleOf(v.Config, sm.ARN), &Tracing{Enabled: v.TracingEnabled}
	out.EncryptionConfiguration = &Encryption{Type: e.Type, KMSKeyID: e.KMSKeyID, KMSDataKeyReusePeriodSeconds: e.KMSDataKeyReusePeriodSeconds}
	out.Versions = make([]Version, len(versions))
	for i, info := range versions {
		out.Versions[i] = Version{Version: info.Version, CreatedAt: info.CreatedAt, HasInputSchema: info.HasInputSchema}
	}
	return out
}

// RawJSON embeds stored JSON text in a response as it is; text that is
// not JSON (which the engine never stores) is embedded as a string.
func RawJSON(text string) json.RawMessage {
	if json.Valid([]byte(text)) {
		return json.RawMessage(text)
	}
	b, _ := json.Marshal(text)
	return b
}

func machineLocation(name string) string { return "/v1/state-machines/" + url.PathEscape(name) }

// createStateMachine is POST /v1/state-machines.
func (a *API) createStateMachine(c echo.Context) error {
	var req machineRequest
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	spec, err := req.spec()
	if err != nil {
		return err
	}
	spec.Tags = tagList(req.Tags)
	sm, v, err := a.e.CreateStateMachine(c.Request().Context(), req.Name, spec)
	if err != nil {
		return err
	}
	out := machineView(sm, v, []store.VersionInfo{{Version: v.Version, CreatedAt: v.CreatedAt, HasInputSchema: v.InputSchema != nil}})
	if out.LoggingConfiguration, err = a.logging(c, sm.ID); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, machineLocation(sm.Name))
	return c.JSON(http.StatusCreated, out)
}

// updateStateMachine is PUT /v1/state-machines/{name}: a new version.
func (a *API) updateStateMachine(c echo.Context) error {
	name, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	spec, err := decodeSpec(c)
	if err != nil {
		return err
	}
	v, err := a.e.UpdateStateMachine(c.Request().Context(), name, spec)
	if err != nil {
		return err
	}
	return a.answerMachine(c, name, v.Version)
}

// describeStateMachine is GET /v1/state-machines/{name}[?version=N].
func (a *API) describeStateMachine(c echo.Context) error {
	name, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	version, err := versionParam(c)
	if err != nil {
		return err
	}
	return a.answerMachine(c, name, version)
}

// answerMachine answers with the machine name as of its version (0: the
// latest).
func (a *API) answerMachine(c echo.Context, name string, version int) error {
	d, err := a.e.DescribeStateMachine(c.Request().Context(), name, version)
	if err != nil {
		return err
	}
	out := machineView(d.StateMachine, d.Version, d.Versions)
	if out.LoggingConfiguration, err = a.logging(c, d.StateMachine.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// logging reads machine machineID's logging configuration.
func (a *API) logging(c echo.Context, machineID int64) (*Logging, error) {
	l, err := a.e.Logging(c.Request().Context(), machineID)
	if err != nil {
		return nil, err
	}
	return loggingView(l), nil
}

// setLogging is PUT /v1/state-machines/{name}/logging: the body is a
// Logging, which replaces the machine's without making a version.
func (a *API) setLogging(c echo.Context) error {
	name, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	var req Logging
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	if err := a.e.SetLogging(c.Request().Context(), name, *req.engine()); err != nil {
		return err
	}
	return a.answerMachine(c, name, 0)
}

// machineList is the response of GET /v1/state-machines.
type machineList struct {
	StateMachines []StateMachine `json:"stateMachines"`
	NextCursor    string         `json:"nextCursor,omitempty"`
}

// listStateMachines is GET /v1/state-machines[?limit=N&cursor=C], in
// name order.
func (a *API) listStateMachines(c echo.Context) error {
	sms, next, err := byName(c, pagetoken.Machines, a.e.ListStateMachines, func(sm *store.StateMachine) string { return sm.Name }, machineSummary)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, machineList{StateMachines: sms, NextCursor: next})
}

// deleteResult is the response of DELETE /v1/state-machines/{name}.
type deleteResult struct {
	Name              string `json:"name"`
	AbortedExecutions int    `json:"abortedExecutions"`
}

// deleteStateMachine is DELETE /v1/state-machines/{name}[?force=true].
func (a *API) deleteStateMachine(c echo.Context) error {
	name, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	force, err := BoolParam(c, "force", false)
	if err != nil {
		return err
	}
	aborted, err := a.e.DeleteStateMachineStopping(c.Request().Context(), name, force)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, deleteResult{Name: name, AbortedExecutions: aborted})
}

// validation is the response of POST /v1/state-machines/validate.
type validation struct {
	Valid       bool                  `json:"valid"`
	Diagnostics []apierror.Diagnostic `json:"diagnostics"`
}

// validateDefinition is POST /v1/state-machines/validate.
func (a *API) validateDefinition(c echo.Context) error {
	spec, err := decodeSpec(c)
	if err != nil {
		return err
	}
	ds := engine.ValidateMachineSpec(spec)
	return c.JSON(http.StatusOK, validation{Valid: len(ds) == 0, Diagnostics: apierror.Diagnostics(ds)})
}

// Resources is the response of GET /v1/state-machines/{name}/resources.
type Resources struct {
	Resources []Resource `json:"resources"`
}

// Resource is one Task resource of a machine and what serves it (see
// engine.CheckStateMachine).
type Resource struct {
	Resource string `json:"resource"`
	// Kind is lambda, lambda:invoke, activity, native, service or http;
	// empty when the resource is invalid or dynamic.
	Kind     string     `json:"kind,omitempty"`
	Names    []string   `json:"names"`
	ServedBy []ServedBy `json:"servedBy"`
	// Activity is the activity its tasks go to: an activity resource's,
	// or the one a service integration is bound to; omitted otherwise.
	Activity string `json:"activity,omitempty"`
	// Status is served, stale, unbound, dynamic or invalid.
	Status  string `json:"status"`
	Problem string `json:"problem,omitempty"`
}

// ServedBy is a registered function name and when a worker serving it
// was last seen; live when that is within engine.FunctionLive.
type ServedBy struct {
	Name     string    `json:"name"`
	LastSeen time.Time `json:"lastSeen"`
	Live     bool      `json:"live"`
}

// stateMachineResources is GET /v1/state-machines/{name}/resources: the
// Task resources of the latest version and which live workers serve them.
func (a *API) stateMachineResources(c echo.Context) error {
	name, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	checks, err := a.e.CheckStateMachine(c.Request().Context(), name)
	if err != nil {
		return err
	}
	out := Resources{Resources: make([]Resource, 0, len(checks))}
	for _, rc := range checks {
		r := Resource{Resource: rc.Resource, Kind: rc.Kind, Names: rc.Names, ServedBy: make([]ServedBy, 0, len(rc.ServedBy)),
			Activity: rc.Activity, Status: string(rc.Status), Problem: rc.Problem}
		if r.Names == nil {
			r.Names = []string{}
		}
		for _, f := range rc.ServedBy {
			r.ServedBy = append(r.ServedBy, ServedBy{Name: f.Name, LastSeen: f.LastSeen.UTC(), Live: f.Live})
		}
		out.Resources = append(out.Resources, r)
	}
	return c.JSON(http.StatusOK, out)
}
