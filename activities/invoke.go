package activities

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"regexp"
	"strconv"

	"github.com/stepwise-run/stepwise/asl"
)

// Invoke runs the function bound to resource on input and returns the
// task's result, shaped as AWS shapes it for the resource (see the package
// documentation), in the asl JSON model. Every error is an *asl.Error: a
// bad resource and an unregistered function are States.Runtime (see
// Unbound), and function errors are mapped by the rules of the package
// documentation.
func (r *Registry) Invoke(ctx context.Context, resource string, input any) (any, error) {
	b, payload, err := Resolve(resource, input)
	if err != nil {
		return nil, err
	}
	fn, ok := r.serving(b)
	if !ok {
		return nil, Unbound(b, resource)
	}
	out, err := fn(ctx, payload)
	if err != nil {
		return nil, taskError(ctx, err)
	}
	if b.Kind == KindLambdaInvoke {
		return r.invokeResult(ctx, b, out), nil
	}
	return out, nil
}

// httpDate is the layout of HTTP's Date header.
const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

// invokeResult wraps a function's output as the result of AWS's
// lambda:invoke integration.
func (r *Registry) invokeResult(ctx context.Context, b Binding, out any) map[string]any {
	version := executedVersion(b.Qualifier)
	id := requestID(ctx)
	headers := map[string]any{
		"Connection":                     "keep-alive",
		"Content-Length":                 strconv.Itoa(len(asl.EncodeJSON(out))),
		"Content-Type":                   "application/json",
		"Date":                           r.now().UTC().Format(httpDate),
		"X-Amz-Executed-Version":         version,
		"x-amzn-Remapped-Content-Length": "0",
		"x-amzn-RequestId":               id,
	}
	all := make(map[string]any, len(headers))
	for k, v := range headers {
		all[k] = []any{v}
	}
	return map[string]any{
		"ExecutedVersion": version,
		"Payload":         out,
		"SdkHttpMetadata": map[string]any{
			"AllHttpHeaders": all,
			"HttpHeaders":    headers,
			"HttpStatusCode": int64(200),
		},
		"SdkResponseMetadata": map[string]any{"RequestId": id},
		"StatusCode":          int64(200),
	}
}

var versionRE = regexp.MustCompile(`^[0-9]+$`)

// executedVersion is the version a qualifier runs: the qualifier when it is
// a version number, else $LATEST.
func executedVersion(qualifier string) string {
	if versionRE.MatchString(qualifier) {
		return qualifier
	}
	return "$LATEST"
}

// requestID is a UUID derived from the task's idempotency key, or a random
// one when the context carries no key.
func requestID(ctx context.Context) string {
	var b [16]byte
	if info, ok := Info(ctx); ok && info.IdempotencyKey != "" {
		sum := sha256.Sum256([]byte(info.IdempotencyKey))
		copy(b[:], sum[:])
	} else {
		_, _ = rand.Read(b[:])
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
