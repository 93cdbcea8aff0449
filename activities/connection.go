package activities

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// Authorization types of a Connection, as AWS EventBridge names them.
const (
	AuthAPIKey                 = "API_KEY"
	AuthBasic                  = "BASIC"
	AuthOAuthClientCredentials = "OAUTH_CLIENT_CREDENTIALS"
)

// ConnectionSource finds the connections that HTTP Tasks name in
// Authentication.ConnectionArn. ref is what the task wrote: a connection
// ARN (arn:aws:events:REGION:ACCOUNT:connection/NAME/UUID) or a name. An
// *asl.Error it returns fails the task as it is (States.Runtime for an
// unknown connection or a missing key); any other error is a failure of
// the source, reported as States.TaskFailed.
type ConnectionSource interface {
	Connection(ctx context.Context, ref string) (*Connection, error)
}

// Connection is a named set of credentials for HTTP Tasks, with its
// secrets, in the shape of AWS EventBridge's CreateConnection.
type Connection struct {
	// Name and ARN identify the connection.
	Name string
	ARN  string
	// AuthorizationType is AuthAPIKey, AuthBasic or
	// AuthOAuthClientCredentials.
	AuthorizationType string
	// AuthParameters holds the parameters of AuthorizationType and the
	// InvocationHttpParameters sent with every request.
	AuthParameters ConnectionAuth
}

// ConnectionAuth is EventBridge's AuthParameters: the parameters of the
// connection's authorization type (one of APIKey, Basic and OAuth) and
// Invocation, added to every request. Its JSON is AWS's.
type ConnectionAuth struct {
	APIKey     *APIKeyAuth     `json:"ApiKeyAuthParameters,omitempty"`
	Basic      *BasicAuth      `json:"BasicAuthParameters,omitempty"`
	OAuth      *OAuthAuth      `json:"OAuthParameters,omitempty"`
	Invocation *HTTPParameters `json:"InvocationHttpParameters,omitempty"`
}

// APIKeyAuth sends the header Name: Value with every request; Value is
// secret.
type APIKeyAuth struct {
	Name  string `json:"ApiKeyName"`
	Value string `json:"ApiKeyValue,omitempty"`
}

// BasicAuth sends Authorization: Basic with Username and Password;
// Password is secret.
type BasicAuth struct {
	Username string `json:"Username"`
	Password string `json:"Password,omitempty"`
}

// OAuthAuth gets an access token with the OAuth client credentials grant
// from AuthorizationEndpoint, with HTTPMethod (GET, POST or PUT) and the
// extra HTTPParameters, and sends it as Authorization: Bearer.
type OAuthAuth struct {
	AuthorizationEndpoint string          `json:"AuthorizationEndpoint"`
	HTTPMethod            string          `json:"HttpMethod"`
	Client                OAuthClient     `json:"ClientParameters"`
	HTTPParameters        *HTTPParameters `json:"OAuthHttpParameters,omitempty"`
}

// OAuthClient is the OAuth client's credentials; ClientSecret is secret.
type OAuthClient struct {
	ClientID     string `json:"ClientID"`
	ClientSecret string `json:"ClientSecret,omitempty"`
}

// HTTPParameters are EventBridge's ConnectionHttpParameters: headers,
// query string parameters and body parameters added to a request.
type HTTPParameters struct {
	Headers []HTTPParameter `json:"HeaderParameters,omitempty"`
	Query   []HTTPParameter `json:"QueryStringParameters,omitempty"`
	Body    []HTTPParameter `json:"BodyParameters,omitempty"`
}

// HTTPParameter is one parameter; its Value is secret when IsValueSecret.
type HTTPParameter struct {
	Key           string `json:"Key"`
	Value         string `json:"Value,omitempty"`
	IsValueSecret bool   `json:"IsValueSecret,omitempty"`
}

// ErrInvalidConnection is wrapped by ConnectionAuth.Validate's errors.
var ErrInvalidConnection = errors.New("invalid connection")

func invalidConnection(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidConnection}, args...)...)
}

// Validate reports whether a holds what authType needs, and only that:
// ApiKeyAuthParameters with ApiKeyName and ApiKeyValue for API_KEY,
// BasicAuthParameters with Username and Password for BASIC, and for
// OAUTH_CLIENT_CREDENTIALS OAuthParameters with an absolute http(s)
// AuthorizationEndpoint, HttpMethod GET, POST or PUT, ClientID and
// ClientSecret. Every parameter needs a Key.
func (a ConnectionAuth) Validate(authType string) error {
	set := map[string]bool{AuthAPIKey: a.APIKey != nil, AuthBasic: a.Basic != nil, AuthOAuthClientCredentials: a.OAuth != nil}
	if _, known := set[authType]; !known {
		return invalidConnection("AuthorizationType %q is not API_KEY, BASIC or OAUTH_CLIENT_CREDENTIALS", authType)
	}
	for t, given := range set {
		if given != (t == authType) {
			return invalidConnection("AuthorizationType %s takes %s and no other authorization parameters", authType, authParamsName[authType])
		}
	}
	if err := a.validateType(); err != nil {
		return err
	}
	return a.Invocation.validate("InvocationHttpParameters")
}

var authParamsName = map[string]string{
	AuthAPIKey: "ApiKeyAuthParameters", AuthBasic: "BasicAuthParameters", AuthOAuthClientCredentials: "OAuthParameters",
}

func (a ConnectionAuth) validateType() error {
	switch {
	case a.APIKey != nil && (a.APIKey.Name == "" || a.APIKey.Value == ""):
		return invalidConnection("ApiKeyAuthParameters needs ApiKeyName and ApiKeyValue")
	case a.Basic != nil && (a.Basic.Username == "" || a.Basic.Password == ""):
		return invalidConnection("BasicAuthParameters needs Username and Password")
	case a.OAuth != nil:
		return a.OAuth.validate()
	}
	return nil
}

func (o *OAuthAuth) validate() error {
	u, err := url.Parse(o.AuthorizationEndpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return invalidConnection("OAuthParameters.AuthorizationEndpoint %q is not an absolute https:// (or http://) URL", o.AuthorizationEndpoint)
	}
	switch o.HTTPMethod {
	case "GET", "POST", "PUT":
	default:
		return invalidConnection("OAuthParameters.HttpMethod %q is not GET, POST or PUT", o.HTTPMethod)
	}
	if o.Client.ClientID == "" || o.Client.ClientSecret == "" {
		return invalidConnection("OAuthParameters.ClientParameters needs ClientID and ClientSecret")
	}
	return o.HTTPParameters.validate("OAuthParameters.OAuthHttpParameters")
}

func (p *HTTPParameters) validate(where string) error {
	if p == nil {
		return nil
	}
	for _, list := range [][]HTTPParameter{p.Headers, p.Query, p.Body} {
		for _, param := range list {
			if param.Key == "" {
				return invalidConnection("%s has a parameter without Key", where)
			}
		}
	}
	return nil
}

// Redacted returns a copy of a without its secret values: ApiKeyValue,
// Password, ClientSecret and the Value of every parameter marked
// IsValueSecret. It is what DescribeConnection shows.
func (a ConnectionAuth) Redacted() ConnectionAuth {
	var r ConnectionAuth
	if a.APIKey != nil {
		r.APIKey = &APIKeyAuth{Name: a.APIKey.Name}
	}
	if a.Basic != nil {
		r.Basic = &BasicAuth{Username: a.Basic.Username}
	}
	if a.OAuth != nil {
		o := *a.OAuth
		o.Client.ClientSecret = ""
		o.HTTPParameters = o.HTTPParameters.redacted()
		r.OAuth = &o
	}
	r.Invocation = a.Invocation.redacted()
	return r
}

func (p *HTTPParameters) redacted() *HTTPParameters {
	if p == nil {
		return nil
	}
	return &HTTPParameters{Headers: redactedList(p.Headers), Query: redactedList(p.Query), Body: redactedList(p.Body)}
}

func redactedList(list []HTTPParameter) []HTTPParameter {
	out := make([]HTTPParameter, len(list))
	for i, p := range list {
		out[i] = p
		if p.IsValueSecret {
			out[i].Value = ""
		}
	}
	return out
}

// secrets lists the secret values of a, for scrubbing error causes.
func (a ConnectionAuth) secrets() []string {
	var s []string
	add := func(v string) {
		if v != "" {
			s = append(s, v)
		}
	}
	if a.APIKey != nil {
		add(a.APIKey.Value)
	}
	if a.Basic != nil {
		add(a.Basic.Password)
	}
	for _, p := range []*HTTPParameters{a.Invocation, a.oauthParams()} {
		if p == nil {
			continue
		}
		for _, list := range [][]HTTPParameter{p.Headers, p.Query, p.Body} {
			for _, param := range list {
				if param.IsValueSecret {
					add(param.Value)
				}
			}
		}
	}
	if a.OAuth != nil {
		add(a.OAuth.Client.ClientSecret)
	}
	return s
}

func (a ConnectionAuth) oauthParams() *HTTPParameters {
	if a.OAuth == nil {
		return nil
	}
	return a.OAuth.HTTPParameters
}
