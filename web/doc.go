// Package web is Stepwise's HTTP server (echo/v4): the composition root of
// a REST API under /v1, the AWS Step Functions JSON protocol on POST /, the
// execution viewer under /ui/, health checks and Prometheus metrics.
// Handlers only decode requests, call the engine and encode its answers.
//
// New builds a Server on an engine; Handler serves it from any
// http.Server (or httptest), Run listens on Config.Listen and shuts down
// gracefully when its context ends.
//
// # Layout
//
// One package per protocol, sharing one error table and one auth
// middleware:
//
//   - web (server.go, auth.go, health.go, metrics.go, errors.go, tls.go,
//     head.go, cors.go): Config, New and Run, wiring the packages below;
//     API keys (Keys, the Config.Authorize of serve); /healthz and
//     /readyz; /metrics and the engine's Observer; the re-exported REST
//     response types; TLS certificates, HEAD and CORS.
//   - web/rest: the REST API's handlers, request decoding and parameters.
//   - web/sfn: the AWS JSON protocol.
//   - web/viewer: the viewer's pages (ui/), read endpoints and SSE stream.
//   - web/internal/apierror: the one table of the engine's errors, each
//     with its REST status and code and its AWS error type (and the types
//     of the operations whose documented errors lack it), and the REST
//     error value and handler.
//   - web/internal/auth: the one authentication middleware, which asks
//     Config.Authorize and answers a refusal in the endpoint's protocol.
//   - web/internal/pagetoken: the one codec of page tokens, REST's cursor
//     and AWS's nextToken.
//   - web/internal/webtest: the HTTP test helper of web's, rest's and
//     viewer's tests.
//
// No handler reads the store: every read goes through the engine's API.
//
// # REST API
//
// Bodies are JSON objects; a field an endpoint does not take is an error.
// Definitions, input schemas, inputs and outputs are JSON values embedded
// as they are (a definition or schema may also be a string holding the
// JSON). Times are RFC 3339. An execution ARN in a path may be sent raw
// (colons are fine in a path) or URL-escaped; every /v1/executions/{arn}
// route also takes it as ?arn=ARN, with "-" as the path segment.
//
//	POST   /v1/state-machines                      {name, definition, inputSchema?, type?, loggingConfiguration?, roleArn?, tracingConfiguration?, encryptionConfiguration?, tags?} → 201 state machine (type STANDARD, the default, or EXPRESS)
//	GET    /v1/state-machines                      ?limit&cursor → {stateMachines, nextCursor?}, by name
//	POST   /v1/state-machines/validate             {definition, inputSchema?} → 200 {valid, diagnostics: [{code, pointer, message}]}
//	GET    /v1/state-machines/{name}               ?version (default latest) → state machine with versions
//	PUT    /v1/state-machines/{name}               {definition, inputSchema?, type?, loggingConfiguration?, roleArn?, tracingConfiguration?, encryptionConfiguration?} → 200 state machine at its new version (type cannot change)
//	PUT    /v1/state-machines/{name}/logging       {level, includeExecutionData, destinations: [logGroupArn]} → 200 state machine (no new version)
//	DELETE /v1/state-machines/{name}               ?force=true → 200 {name, abortedExecutions}
//	POST   /v1/state-machines/{name}/executions    {name?, input?, version? | publishedVersion? | alias?} → 201 execution (200: the same name and input ran already)
//	POST   /v1/state-machines/{name}/start-sync    ?timeout=30s, body as above → 200 finished execution, 202 if still RUNNING at the timeout;
//	                                               an EXPRESS machine's runs in memory in this process, unrecorded, and answers 200 with billing
//	                                               {billedMemoryMB, billedDurationInMilliseconds} (timeout ignored; the Express limit is 5 minutes)
//	GET    /v1/state-machines/{name}/resources     → {resources: [{resource, kind, names, servedBy: [{name, lastSeen, live}], activity?, status, problem?}]}
//	                                               the latest version's Task resources, status served, stale, unbound, dynamic or invalid (engine.CheckStateMachine)
//	GET    /v1/state-machines/{name}/tags          → {tags: {KEY: VALUE}}; the same three routes under /v1/activities/{name}/tags
//	POST   /v1/state-machines/{name}/tags          {tags: {KEY: VALUE}} → 200 {tags}, all of them: adds keys, replaces values (at most 50;
//	                                               AWS's rules: InvalidTag, TooManyTags, ResourceNotFound); POST /v1/activities takes tags? too
//	DELETE /v1/state-machines/{name}/tags/{key}    → 204, also when the key was not there
//	POST   /v1/state-machines/{name}/versions      {description?, revisionId?} → 201 published version (200: the current revision was published already)
//	GET    /v1/state-machines/{name}/versions      ?limit&cursor → {versions, nextCursor?}, newest first
//	GET    /v1/state-machines/{name}/versions/{n}  → published version with its definition
//	DELETE /v1/state-machines/{name}/versions/{n}  → 204 (409 ConflictException while an alias routes to it)
//	POST   /v1/state-machines/{name}/aliases       {name, description?, routes: [{version, weight}]} → 201 alias (200: it exists as asked)
//	GET    /v1/state-machines/{name}/aliases       ?version&limit&cursor → {aliases, nextCursor?}, by name; version: those routing to it
//	GET    /v1/state-machines/{name}/aliases/{a}   → alias
//	PUT    /v1/state-machines/{name}/aliases/{a}   {description?, routes?} → 200 alias
//	DELETE /v1/state-machines/{name}/aliases/{a}   → 204
//	GET    /v1/executions                          ?stateMachine&status&namePrefix&startedAfter&startedBefore&limit&cursor → {executions, nextCursor?}
//	GET    /v1/executions/{arn}                    ?wait=30s → execution (also GET /v1/executions?arn=ARN), with parentExecutionArn; with wait, answered when it ends (woken by the commit) or, still RUNNING, after wait (at most MaxSyncWait)
//	                                               when a Task of another execution started it (states:startExecution)
//	GET    /v1/executions/{arn}/children           ?limit&cursor → {executions, nextCursor?}, the executions its Tasks started, oldest first
//	GET    /v1/executions/{arn}/history            ?limit&cursor&reverse=true&includeData=false → {events, nextCursor?}
//	GET    /v1/executions/{arn}/events             ?after=0&wait&limit&includeData=false → {events, lastEventId, status}: the events after event id after, oldest first;
//	                                               with wait (a long poll), answered when there are any or the execution is no longer RUNNING (woken by the
//	                                               commit) or, nothing new, after wait (at most MaxSyncWait) with no events
//	POST   /v1/executions/{arn}/stop               {error?, cause?} → 200 execution (ABORTED)
//	POST   /v1/executions/{arn}/redrive            → 200 execution (RUNNING again)
//	GET    /v1/executions/{arn}/map-runs           ?limit&cursor → {mapRuns, nextCursor?}, the Map runs of its Distributed Maps, oldest first
//	GET    /v1/map-runs/{arn}                      → Map run with counts ({arn} escaped, its slash as %2F, or ?arn=ARN with "-")
//	PATCH  /v1/map-runs/{arn}                      {maxConcurrency?, toleratedFailureCount?, toleratedFailurePercentage?} → 200 Map run (RUNNING only)
//	GET    /v1/map-runs/{arn}/executions           ?status&limit&cursor → {executions, nextCursor?}, its child executions, newest first
//	GET    /v1/log-records                         ?stateMachine&execution&from&to&limit&cursor → {records, nextCursor?}, newest first: the PostgreSQL
//	                                               log sink's records in AWS's form, with state_machine_arn and state_machine added
//	GET    /v1/express-executions                  ?stateMachine&status&from&to&limit&cursor → {executions, nextCursor?}, newest first: Express
//	                                               executions rebuilt from their log records (status from the last end record, RUNNING without one)
//	POST   /v1/connections                         {name, description?, authorizationType, authParameters} → 201 connection
//	GET    /v1/connections                         ?limit&cursor → {connections, nextCursor?}, by name
//	GET    /v1/connections/{name}                  → connection ({name} may be its ARN, slashes escaped as %2F)
//	DELETE /v1/connections/{name}                  → 204
//	POST   /v1/tasks/success                       {taskToken, output} → 204
//	POST   /v1/tasks/failure                       {taskToken, error?, cause?} → 204
//	POST   /v1/tasks/heartbeat                     {taskToken} → 204
//	POST   /v1/test-state                          {definition, stateName?, input?, inspectionLevel?, variables?, context?, mock?,
//	                                               stateConfiguration?, revealSecrets?, roleArn?} → 200 AWS's TestState answer (docs/teststate.md)
//	GET    /healthz                                → 200 while the process serves
//	GET    /readyz                                 → 200 when the database answers, else 503
//	GET    /metrics                                → Prometheus text format (needs a read key when keys are on)
//
// A state machine is {name, arn, createdAt, latestVersion, version,
// versionCreatedAt, definition, inputSchema?, versions: [{version,
// createdAt, hasInputSchema}]}; lists carry only the first four. Deleting
// a machine with RUNNING executions is refused unless force=true, which
// stops each of them first (error StateMachineDeleted).
//
// A machine's versions above are its revisions: each create or update
// stores one. A published version is AWS's: {arn, version, revision,
// revisionId, description?, createdAt, definition?}, numbered 1, 2, 3...
// per machine and never reused, with the ARN MACHINE_ARN:N; it runs its
// revision. An alias is {arn, name, description?, routes: [{version,
// weight, arn}], createdAt, updatedAt}, with the ARN MACHINE_ARN:ALIAS:
// one or two published versions whose weights (percentages) add to 100;
// a start through it runs one of them, drawn by weight. A start names a
// revision (version), a published version (publishedVersion) or an
// alias; {name} may also be a version's or an alias's ARN. Deleting a
// machine deletes its published versions and aliases.
//
// An execution is {arn, name, stateMachine, stateMachineArn, version,
// status, input, output?, error?, cause?, startedAt, stoppedAt?,
// redriveCount, versionArn?, aliasArn?, parentExecutionArn?, mapRunArn?}
// (the published version and alias it was started through; the Map run
// of a Distributed Map's child execution); lists leave out input, output,
// error and cause. Start
// answers with a Location header. The input is the JSON value itself
// (absent means {}), not a string of JSON as in the AWS API; it may be at
// most 256 KiB. start-sync's timeout is a duration ("45s") or a number of
// seconds, at most Config.MaxSyncWait (5 minutes).
//
// A Map run is a Distributed Map's run, whose items are child
// executions: {arn, executionArn, state, label, status (RUNNING,
// SUCCEEDED, FAILED or ABORTED), maxConcurrency, toleratedFailureCount,
// toleratedFailurePercentage, startedAt, stoppedAt?, redriveCount,
// redriveDate?, counts?}, where counts (left out in lists) is {pending,
// running, succeeded, failed, timedOut, aborted, total, resultsWritten,
// failuresNotRedrivable, pendingRedrive}. Its children are left out of
// every execution listing but its own.
//
// A connection holds the credentials of HTTP Tasks (Authentication:
// {ConnectionArn}): {name, arn, description?, authorizationType,
// authParameters, createdAt}. authorizationType is API_KEY, BASIC or
// OAUTH_CLIENT_CREDENTIALS and authParameters is AWS EventBridge's
// AuthParameters as CreateConnection takes it (ApiKeyAuthParameters,
// BasicAuthParameters or OAuthParameters, and InvocationHttpParameters).
// The server encrypts the secrets with its key (engine.Config.SecretKey);
// no answer ever holds them: ApiKeyValue, Password, ClientSecret and the
// Value of a parameter with IsValueSecret are left out, as AWS's
// DescribeConnection leaves them out.
//
// Executions are listed newest first. status is RUNNING, SUCCEEDED,
// FAILED, TIMED_OUT or ABORTED; stateMachine is a name or ARN;
// startedAfter and startedBefore bound the start time to [startedAfter,
// startedBefore). History events are {id, previousEventId, type,
// timestamp, state?, details?}, oldest first unless reverse=true;
// includeData=false leaves details out.
//
// Lists return up to limit items (default 100, at most 1000) and, when
// there are more, an opaque nextCursor: pass it as cursor with the same
// filters (and the same reverse) for the next page.
//
// # Errors
//
// Every error is {"error": {"code", "message", "details"?}}. A 500 says
// only "internal error (request id …)"; the log has the cause, under the
// request id that the X-Request-Id response header also carries.
//
//	400 MalformedJSON              the body is not JSON (or not UTF-8, or nested over 10,000 deep); details {line, column, offset}
//	400 UnknownField               details {field}
//	400 InvalidRequest             a field of the wrong type or missing, an empty body; details {field}
//	400 InvalidParameter           a bad query or path parameter (also one not UTF-8 or with a NUL); details {parameter}
//	400 InvalidDefinition          details {diagnostics: [{code, pointer, message}]} (engine.ErrInvalidDefinition)
//	400 InvalidName                engine.ErrInvalidName
//	400 InvalidExecutionInput      not JSON, over 256 KiB or against the input schema (engine.ErrInvalidExecutionInput)
//	400 InvalidToken               engine.ErrInvalidToken
//	400 InvalidOutput              engine.ErrInvalidOutput
//	400 InvalidConnection          parameters that do not fit the authorization type (engine.ErrInvalidConnection)
//	400 ValidationException        a test-state request that cannot be evaluated as given, or an update that changes a machine's type (engine.ErrInvalidRequest)
//	400 ValidationException        also routes whose weights do not add to 100, more than two routes, a bad alias name, a description
//	                               over 256 characters (engine.ErrValidation)
//	400 StateMachineTypeNotSupported  starting an EXPRESS machine asynchronously, not implemented yet (engine.ErrStateMachineTypeNotSupported)
//	401 Unauthorized               Config.Authorize refused: a missing or unknown API key
//	403 Forbidden                  Config.Authorize refused with ErrForbidden: a read key on a request that needs admin
//	404 StateMachineDoesNotExist   engine.ErrStateMachineDoesNotExist (also a missing version)
//	404 ExecutionDoesNotExist      engine.ErrExecutionDoesNotExist
//	404 TaskDoesNotExist           engine.ErrTaskDoesNotExist
//	404 ConnectionDoesNotExist     engine.ErrConnectionDoesNotExist
//	404 ResourceNotFound           a published version or alias that does not exist (engine.ErrVersionDoesNotExist, engine.ErrAliasDoesNotExist)
//	404 NotFound                   no such route
//	405 MethodNotAllowed           the route takes other methods
//	409 StateMachineAlreadyExists  engine.ErrStateMachineExists
//	409 StateMachineInUse          delete without force while executions run (engine.ErrStateMachineInUse; AWS protocol: ValidationException)
//	409 ConnectionAlreadyExists    engine.ErrConnectionExists
//	409 ConflictException          a revisionId that is not the current revision, an alias created again with other routes, a version deleted
//	                               while an alias routes to it (engine.ErrConflict)
//	409 ServiceQuotaExceededException  a version more than a machine may have (engine.ErrServiceQuotaExceeded; AWS protocol: 402)
//	409 ExecutionAlreadyExists     the name was started with another input (engine.ErrExecutionAlreadyExists)
//	409 ExecutionNotRunning        stop of a finished execution (engine.ErrExecutionNotRunning)
//	409 ExecutionNotRedrivable     redrive of a RUNNING or SUCCEEDED one (engine.ErrExecutionNotRedrivable)
//	410 TaskTimedOut               the task of the token has closed (engine.ErrTaskTimedOut)
//	413 RequestTooLarge            the body is over Config.BodyLimit (1 MiB); details {limit}
//	429 ThrottlingException        a start or task callback over admission control's limits (engine.ErrThrottled), with Retry-After: 1;
//	                               the AWS protocol answers ThrottlingException "Rate exceeded" with HTTP 400, as AWS
//	500 InternalError              anything else
//	503 NotReady                   /readyz: the database does not answer
//	503 SecretKeyNotConfigured     a connection to create, and the server has no key (engine.ErrNoSecretKey)
//
// # Limits
//
// Each limit answers with an error, never by failing the server:
//
//   - request bodies: 1 MiB on /v1 (413 RequestTooLarge), 4 MiB on the AWS
//     protocol endpoint (ValidationException);
//   - execution inputs, task outputs and every state's input and output:
//     256 KiB of JSON (asl.PayloadLimit): a start is refused with
//     InvalidExecutionInput, a callback with InvalidOutput, and a state
//     that would produce more fails the execution with
//     States.DataLimitExceeded (so does an intrinsic function whose result
//     would be over it, such as nested States.JsonToString, and a Map
//     iteration's input after ItemSelector);
//   - definitions: 1 MiB (asl.MaxDefinitionSize, AWS's quota) and at most
//     64 levels of nested objects and arrays (asl.MaxDefinitionDepth):
//     InvalidDefinition with the diagnostic DEFINITION_TOO_LARGE or
//     DEFINITION_TOO_DEEP. A definition of 10,000 states validates and is
//     created in a few seconds;
//   - States.ArrayRange makes at most 1,000 items (States.Runtime), as on
//     AWS; a Map takes as many items as a 256 KiB input holds (about
//     131,000 numbers), each a child run;
//   - JSON nested over 10,000 levels (Go's decoder limit) is malformed;
//     bodies must be UTF-8, and names, ARNs, errors and causes may not
//     hold NUL characters;
//   - name prefixes filter by prefix: % and _ match only themselves;
//   - an execution's history holds at most 25,000 events
//     (engine.Config.MaxHistoryEvents, AWS's quota): one whose event
//     25,000 is not ExecutionSucceeded fails there, ExecutionFailed with
//     States.Runtime;
//   - execution and state machine names are 1 to 80 characters with no
//     white space, control character or reserved punctuation
//     (InvalidName); a callback's or stop's error is at most 256
//     characters and its cause 32,768 (ValidationException);
//   - admission control (engine.Config.MaxInflightStarts and
//     MaxCommitLatency; serve's --max-inflight-starts and
//     --max-commit-latency) refuses starts and task callbacks beyond it
//     at once (429, or ThrottlingException), never /healthz or /readyz.
//
// # Authentication
//
// Config.Authorize sees every request to /v1, /metrics and the AWS
// protocol endpoint and may refuse it; /healthz and /readyz never need a
// key. Keys.Authorize implements it with API keys read from a JSON file
// (LoadKeys): [{"id": "AKIA…", "secret": "…", "scope": "admin"|"read"}].
//
// A REST request sends "Authorization: Bearer SECRET"; the secret is
// compared in constant time. An AWS SDK or CLI request is recognised by
// the access key id in the Credential of its "Authorization:
// AWS4-HMAC-SHA256 Credential=ID/…" header: the id must be a configured
// key's id (use that key's secret as the secret access key). The SigV4
// signature itself is NOT verified, so the access key id is a bearer
// credential too: keep ids as private as secrets, and serve over TLS
// (Config.TLS, or a proxy in front) beyond a trusted network.
//
// # TLS, HEAD and CORS
//
// Config.TLS makes Run serve HTTPS; Certificate loads a PEM certificate
// and key and reloads them (Certificate.Reload) for new connections.
// Every GET route answers HEAD with the GET's status and headers and no
// body. Config.CORSOrigins turns on CORS for the REST API and the AWS
// protocol endpoint: preflights are answered without a key and answers,
// errors included, carry the headers an allowed origin needs
// (ParseCORSOrigins reads the origins).
//
// A read key may make the GET requests (and POST
// /v1/state-machines/validate), scrape /metrics and call the AWS read
// operations (Describe*, List*, GetExecutionHistory,
// ValidateStateMachineDefinition); an admin key may make every request.
// Task callbacks (/v1/tasks/* and the AWS SendTaskSuccess,
// SendTaskFailure and SendTaskHeartbeat) are authorised by their task
// token alone and need no key.
//
// A missing or unknown key is 401 Unauthorized, a read key on a request
// that needs admin 403 Forbidden. On the AWS endpoint, as AWS's JSON
// services answer, they are HTTP 400 with the error types
// MissingAuthenticationTokenException (no Authorization header),
// UnrecognizedClientException (an unknown key) and AccessDeniedException
// (the scope).
//
// # Metrics
//
// /metrics serves the Go runtime and process collectors and:
//
//	stepwise_http_request_duration_seconds{method,route,code}  histogram of request times; route is the route template ("unmatched" for none)
//	stepwise_api_executions_started_total{state_machine}       counter of executions started through this process's REST API
//	stepwise_executions{status}                                gauge of the executions in the database per status; the
//	                                                           terminal statuses rise as executions finish (use delta/increase)
//	stepwise_engine_executions_started_total{state_machine}    counter of executions this process's engine started
//	stepwise_engine_executions_finished_total{state_machine,status}
//	                                                           counter of executions that ended in this engine's transactions
//	stepwise_engine_transitions_total                          counter of states entered (AWS's state transitions)
//	stepwise_engine_task_duration_seconds{function,outcome}    histogram of Task function runs in this process, pick-up to
//	                                                           committed result (outcome succeeded or failed)
//	stepwise_engine_retention_deleted_executions_total         counter of closed executions this engine's retention sweeps deleted
//	stepwise_engine_retention_sweep_duration_seconds           gauge of the time this engine's last retention sweep took
//	stepwise_engine_retention_sweep_timestamp_seconds          gauge of when it ended (Unix time; 0: none yet)
//	stepwise_river_jobs{queue,state}                           gauge of unfinished River jobs: the queue depth (queue stepwise
//	                                                           drives executions, fn_* queues hold Task jobs per function)
//	stepwise_database_up                                       1 if the database-read metrics could be read this scrape
//	stepwise_database_scrape_duration_seconds                  time those reads took
//	stepwise_jsonata_fallbacks_total                           counter of JSONata expressions this process compiled for the
//	                                                           reference evaluator instead of the native one (the engine
//	                                                           logs each, once per machine version it parses)
//
// The stepwise_engine_* metrics are counted exactly, after each commit, by
// the engine's Observer (NewObserver, set as engine.Config.Observer; serve
// and dev set it): each process counts its own work, so sum them. The
// database-read metrics describe the whole cluster, so with several API
// processes aggregate them with max, not sum.
package web
