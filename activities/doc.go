// Package activities is the worker side of Stepwise: it binds the Resource
// of a Task state to a Go function and runs it. It knows nothing about
// executions beyond the one task it runs and does no database work; the
// engine pulls a task job, puts a TaskInfo in the context with WithTask and
// calls Registry.Invoke.
//
// # Registering functions
//
// Workers register typed Go functions by name:
//
//	reg := activities.NewRegistry()
//	activities.Register(reg, "reserve-inventory", func(ctx context.Context, o Order) (Reservation, error) {
//		...
//	})
//
// The task's effective input is marshalled to JSON and unmarshalled into
// In with encoding/json (extra fields are ignored; In may be a struct, a
// map[string]any, any or json.RawMessage); the output is marshalled to JSON
// and decoded into the asl JSON value model (integers become int64).
//
// # Resources
//
// Resolve accepts these Task resources; every other form is an error that
// says what is wrong with the string:
//
//	arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]   KindLambda
//	arn:PARTITION:states:::lambda:invoke[.waitForTaskToken]          KindLambdaInvoke
//	arn:PARTITION:states:REGION:ACCOUNT:activity:NAME                KindActivity
//	arn:PARTITION:states:::activity:NAME                             KindActivity (short form)
//	stepwise:function:NAME[.waitForTaskToken]                        KindNative
//	arn:PARTITION:states:::SERVICE:ACTION[SUFFIX]                    KindService
//	arn:PARTITION:states:::aws-sdk:SERVICE:ACTION[.waitForTaskToken] KindService
//	arn:PARTITION:states:::http:invoke                               KindHTTP
//	arn:PARTITION:states:::states:startExecution[SUFFIX]             KindNested
//
// SUFFIX is .sync, .sync:2 or .waitForTaskToken; AWS SDK integrations
// take no .sync. Nested executions, arn:PARTITION:states:::states:startExecution[SUFFIX]
// and arn:PARTITION:states:::aws-sdk:sfn:startExecution[.waitForTaskToken],
// resolve to KindNested: the engine starts the child execution itself and
// no function can be registered for them.
//
// CheckResource judges the string alone, as CreateStateMachine does: it
// accepts every form above whatever the task's parameters, and the nested
// execution forms too (states:startExecution with or without .sync, .sync:2
// or .waitForTaskToken), which a definition may name before they run.
//
// PARTITION is aws or aws-*, REGION looks like us-east-1, ACCOUNT has 12
// digits. Lambda function names are 1 to 64 letters, digits, hyphens and
// underscores; a QUALIFIER is $LATEST, a version number or an alias.
// Activity and native names are 1 to 80 characters without white space,
// control characters or any of <>{}[]?*"#%\^|~`$&,;:/.
//
// For arn:aws:states:::lambda:invoke the function comes from the task's
// input (its Parameters): FunctionName is a name (NAME or NAME:QUALIFIER),
// a partial ARN (ACCOUNT:function:NAME[:QUALIFIER]) or a full Lambda ARN;
// Qualifier may be given separately but must then agree with FunctionName.
// Payload is what the function receives; without Payload it receives {}.
// InvocationType may only be RequestResponse (Stepwise runs functions
// synchronously); LogType and ClientContext are accepted and ignored; any
// other parameter is an error, so a misspelt Payload is not silently
// dropped.
//
// # Service integrations
//
// A service integration (sns:publish, dynamodb:putItem, glue:startJobRun,
// aws-sdk:s3:getObject, ...) is served by a Go function registered with
// RegisterIntegration for the integration, for one of its patterns or for
// every action of the service:
//
//	activities.RegisterIntegration(reg, "sns:publish", func(ctx context.Context, in PublishInput) (PublishOutput, error) {
//		...
//	})
//	activities.RegisterIntegration(reg, "aws-sdk:s3:*", s3Handler)            // every S3 SDK action
//	activities.RegisterIntegration(reg, "glue:startJobRun.sync", runGlueJob)  // only the .sync pattern
//
// The function receives the task's effective input (its Parameters or
// Arguments), as AWS sends it to the service, and its output is the task's
// result, unchanged. Binding.Names lists the registrations that may serve
// a resource, most specific first. For a request-response resource the
// function makes the call; for .sync and .sync:2 it runs the job and
// returns when the job completes (calling Heartbeat meanwhile when the
// state sets HeartbeatSeconds); for .waitForTaskToken it only starts the
// work and the callback completes the task. TaskInfo.Resource tells the
// function which pattern it serves. The HTTP Task, http:invoke, is served
// by the function registered under HTTPInvoke.
//
// A service integration can also be served by activity workers in any
// language, through the activity protocol: the engine's
// Config.ActivityBindings (the --bind-activity flag of serve, dev and
// worker --drive) maps a name RegisterIntegration takes to an activity
// (CheckIntegration validates the name; http:invoke cannot be bound).
// The worker polls the activity, gets the same effective input a function
// would, and its SendTaskSuccess output is the task's result;
// SendTaskFailure fails the task and SendTaskHeartbeat keeps it alive.
// For .waitForTaskToken the worker's task token is $$.Task.Token, so
// whoever receives it may complete the task. Of Binding.Names, the first
// that a function is registered under or that is bound serves the
// resource, a registered function first at the same name. History events
// stay Task events naming the service.
//
// HistoryResource splits a resource into the resourceType and resource AWS
// reports in history events.
//
// # Results
//
// For a Lambda ARN, an activity or a native function the task result is
// the function's output. For lambda:invoke it is wrapped as AWS wraps it:
//
//	{
//	  "ExecutedVersion": "$LATEST",
//	  "Payload": <output>,
//	  "SdkHttpMetadata": {
//	    "AllHttpHeaders": {<each header as a one-element array>},
//	    "HttpHeaders": {
//	      "Connection": "keep-alive",
//	      "Content-Length": "<length of the JSON output>",
//	      "Content-Type": "application/json",
//	      "Date": "<RFC 1123 time, GMT>",
//	      "X-Amz-Executed-Version": "$LATEST",
//	      "x-amzn-Remapped-Content-Length": "0",
//	      "x-amzn-RequestId": "<request id>"
//	    },
//	    "HttpStatusCode": 200
//	  },
//	  "SdkResponseMetadata": {"RequestId": "<request id>"},
//	  "StatusCode": 200
//	}
//
// ExecutedVersion is the qualifier when it is a version number and $LATEST
// otherwise (Stepwise has no function versions, so an alias runs the one
// registered function). The request id is a UUID derived from the task's
// idempotency key, so a redelivered attempt reports the same id; without a
// TaskInfo it is random. AWS also sends an X-Amzn-Trace-Id header; Stepwise
// has no trace to report and leaves it out.
//
// For .waitForTaskToken resources the function only starts the work (for
// example it hands $$.Task.Token to a person); the task's result is what
// the callback sends, and the engine ignores what Invoke returns. An error
// from the function still fails the task at once.
//
// # Errors
//
// Invoke returns every failure as an *asl.Error, whose Name is what Retry
// and Catch match:
//
//   - a function error that is or wraps an *asl.Error (see NewError) keeps
//     that error, name and cause;
//   - an error implementing interface{ ErrorName() string } (anywhere in the
//     chain) is named by it, with the whole error's text as cause;
//   - an error wrapping context.Canceled or context.DeadlineExceeded, when
//     the task's context was ended with an *asl.Error as its cause
//     (context.WithCancelCause, context.WithDeadlineCause), becomes that
//     error: this is how the engine reports States.HeartbeatTimeout;
//   - otherwise an error wrapping context.DeadlineExceeded is States.Timeout;
//   - any other error is States.TaskFailed with the error's text as cause.
//     AWS Lambda would name an unhandled error by its runtime type; Stepwise
//     never names errors by Go type names, and States.TaskFailed is what
//     both Retry on States.TaskFailed and Catch on States.ALL match;
//   - a panic is recovered and becomes States.TaskFailed with the panic
//     value as cause; its Err is a *PanicError holding the stack;
//   - a resource no registered function serves is States.Runtime (see
//     Unbound), which no retrier or catcher handles, with a cause naming
//     the resource and the registration that would serve it;
//   - input that does not decode into the function's In type is
//     Stepwise.InvalidInput (ErrorInvalidInput), output that cannot be
//     marshalled is Stepwise.InvalidOutput (ErrorInvalidOutput). Both are
//     catchable, like the errors AWS Lambda raises for a handler that cannot
//     read its event;
//   - a resource or lambda:invoke parameters that cannot be run as written
//     is States.Runtime, which no retrier or catcher handles: the
//     definition has to change.
//
// # Task information
//
// The engine places a TaskInfo and a heartbeat function in the context
// with WithTask. Functions read it with Info (the idempotency key is stable
// across redeliveries of the same attempt) and report progress with
// Heartbeat.
//
// # HTTP Task
//
// RegisterHTTP registers the function "http:invoke", which runs HTTP
// Tasks (arn:aws:states:::http:invoke) on the parameters AWS documents:
//
//	ApiEndpoint      required; an absolute https:// URL (http:// is accepted too)
//	Method           required; GET, POST, PUT, DELETE, PATCH, OPTIONS or HEAD
//	Headers          object of strings (numbers and booleans are written as JSON)
//	QueryParameters  object, appended to the URL's query
//	RequestBody      any JSON; sent as JSON (a string as is), Content-Type
//	                 application/json unless Headers sets one
//	Transform        {"RequestBodyEncoding": "NONE" | "URL_ENCODED",
//	                  "RequestEncodingOptions": {"ArrayFormat": "INDICES" |
//	                  "REPEAT" | "COMMAS" | "BRACKETS"}}
//	Authentication   {"ConnectionArn": ARN or name}: the connection whose
//	                 credentials and parameters are added (see below)
//
// URL_ENCODED sends RequestBody, which must be an object, as
// application/x-www-form-urlencoded; arrays in it and in QueryParameters
// follow ArrayFormat (default INDICES): {"a": ["x","y"]} is a[0]=x&a[1]=y
// (INDICES), a=x&a=y (REPEAT), a=x,y (COMMAS) or a[]=x&a[]=y (BRACKETS).
// Unknown parameters, missing or mistyped ones, and the headers Host,
// Content-Length, Transfer-Encoding, Connection, Upgrade, TE, Trailer,
// Expect and X-Amz-*/X-Amzn-* are States.Runtime errors naming the
// parameter. AWS requires a connection; Stepwise also calls the endpoint
// without one, with the headers given.
//
// # Connections
//
// A connection (Connection) holds credentials in the shapes of AWS
// EventBridge's CreateConnection; HTTPConfig.Connections finds it by the
// task's Authentication.ConnectionArn, a full ARN
// arn:aws:events:REGION:ACCOUNT:connection/NAME/UUID (the UUID must be the
// connection's) or NAME alone. Its AuthorizationType decides the header
// added to the request:
//
//	API_KEY                   ApiKeyName: ApiKeyValue
//	BASIC                     Authorization: Basic base64(Username:Password)
//	OAUTH_CLIENT_CREDENTIALS  Authorization: Bearer TOKEN
//
// The OAuth token comes from AuthorizationEndpoint with the client
// credentials grant: HttpMethod (GET, POST or PUT), the ClientID and
// ClientSecret as HTTP Basic credentials, grant_type=client_credentials
// and the OAuthHttpParameters' BodyParameters in a form body (in the
// query for GET), with its HeaderParameters and QueryStringParameters. The
// token is kept, per connection, until 10 seconds before its expires_in
// (HTTPConfig.Now is the clock), or until an endpoint answers 401 or 407
// to it, as AWS refreshes it then. A failed token request is
// States.Http.Socket (no answer) or States.TaskFailed (an error status).
//
// The connection's InvocationHttpParameters go into every request, merged
// as AWS merges them: a header or query parameter the task also sets
// takes the connection's value; BodyParameters are added to an object
// RequestBody (the connection's value winning), or make the body when the
// task has none; with a string RequestBody they are a States.Runtime
// error.
//
// A connection the source does not know, one it cannot decrypt, or a
// task naming one when HTTPConfig.Connections is nil fails with
// States.Runtime. The secrets (ApiKeyValue, Password, ClientSecret, every
// parameter with IsValueSecret, the Basic credentials and the OAuth token
// sent) are replaced by **** in any error cause, including a
// States.Http.StatusCode cause whose response body echoes them; the
// request's parameters are recorded in the history as the task wrote
// them, without the connection's.
//
// The result is AWS's:
//
//	{
//	  "Headers": {"Content-Type": ["application/json"], ...},
//	  "ResponseBody": <parsed JSON for application/json or +json, else the text>,
//	  "StatusCode": 200,
//	  "StatusText": "OK"
//	}
//
// Errors, by AWS's names where AWS has one:
//
//   - a status outside 200-299 is States.Http.StatusCode.NNN (for example
//     States.Http.StatusCode.404); its cause is the result above as JSON
//     (read it in a Catch with States.StringToJson), the body cut short if
//     the cause would pass AWS's 32768 characters;
//   - no response (timeout of the client, 60 s by default, refused
//     connection, DNS failure) is States.Http.Socket; the task's own
//     TimeoutSeconds or HeartbeatSeconds still end it as usual;
//   - a body over HTTPConfig.MaxResponseBytes (256 KiB, AWS's payload
//     quota) is States.DataLimitExceeded, naming the size;
//   - a destination the EgressPolicy refuses is States.Permissions.
//
// The EgressPolicy checks host names before dialling and the resolved IP
// address of every connection (redirects included) in the dialer's
// Control hook, so DNS rebinding cannot reach a denied address. By
// default it refuses cloud metadata services (169.254.169.254,
// fd00:ec2::254, 169.254.170.2, metadata.google.internal and the like),
// loopback, link-local and unspecified addresses; Allow lifts a denial,
// Deny adds one.
package activities
