package openrpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// SecurityScheme is a way callers prove who they are: [BearerAuth], [APIKeyAuth] or
// [OAuth2Auth]. A server declares its schemes in [ServerOptions.SecuritySchemes]; the
// document publishes them in components["x-securitySchemes"], shaped like OpenAPI 3 security
// schemes, as the Python openrpc library does.
type SecurityScheme interface {
	schemeObject() securitySchemeObject
}

// securitySchemeObject is the published form of a scheme (OpenAPI 3's Security Scheme).
type securitySchemeObject struct {
	Type         string      `json:"type"`
	Description  string      `json:"description,omitempty"`
	Scheme       string      `json:"scheme,omitempty"`
	BearerFormat string      `json:"bearerFormat,omitempty"`
	Name         string      `json:"name,omitempty"`
	In           string      `json:"in,omitempty"`
	Flows        *OAuthFlows `json:"flows,omitempty"`
}

// BearerAuth is a bearer token scheme: "Authorization: Bearer <token>".
type BearerAuth struct {
	// Header is the header carrying the token, default "Authorization".
	Header string
	// Format hints at the token's format, e.g. "JWT".
	Format string
	// Description is shown in documentation.
	Description string
}

func (b BearerAuth) schemeObject() securitySchemeObject {
	o := securitySchemeObject{Type: "http", Scheme: "bearer", BearerFormat: b.Format, Description: b.Description}
	if b.Header != "" && !strings.EqualFold(b.Header, "Authorization") {
		o.In, o.Name = "header", b.Header
	}
	return o
}

// APIKeyAuth is an API key scheme: a key sent in a header, a query parameter or a cookie.
type APIKeyAuth struct {
	// In is where the key is sent: "header", "query" or "cookie".
	In string
	// Name is the header, parameter or cookie name.
	Name string
	// Description is shown in documentation.
	Description string
}

func (a APIKeyAuth) schemeObject() securitySchemeObject {
	return securitySchemeObject{Type: "apiKey", In: a.In, Name: a.Name, Description: a.Description}
}

// OAuth2Auth is an OAuth 2 scheme with its flows and their scopes.
type OAuth2Auth struct {
	Flows       OAuthFlows
	Description string
}

func (o OAuth2Auth) schemeObject() securitySchemeObject {
	f := o.Flows
	return securitySchemeObject{Type: "oauth2", Flows: &f, Description: o.Description}
}

// OAuthFlows are the OAuth 2 flows a scheme supports.
type OAuthFlows struct {
	AuthorizationCode *OAuthFlow `json:"authorizationCode,omitempty"`
	ClientCredentials *OAuthFlow `json:"clientCredentials,omitempty"`
	Password          *OAuthFlow `json:"password,omitempty"`
}

// OAuthFlow is one OAuth 2 flow: its URLs and the scopes it grants, with their
// descriptions.
type OAuthFlow struct {
	AuthorizationURL string            `json:"authorizationUrl,omitempty"`
	TokenURL         string            `json:"tokenUrl,omitempty"`
	RefreshURL       string            `json:"refreshUrl,omitempty"`
	Scopes           map[string]string `json:"scopes"`
}

// scopes lists every scope the flows declare.
func (f OAuthFlows) scopes() map[string]bool {
	out := map[string]bool{}
	for _, flow := range []*OAuthFlow{f.AuthorizationCode, f.ClientCredentials, f.Password} {
		if flow != nil {
			for s := range flow.Scopes {
				out[s] = true
			}
		}
	}
	return out
}

// Security is a method's security requirement: scheme name to the scopes it needs. A call is
// permitted when the caller is granted, for any one of the listed schemes, all of that
// scheme's scopes. An empty Security makes a method public.
type Security map[string][]string

// Require returns a requirement of the scheme with the given scopes (none: being
// authenticated with the scheme is enough).
func Require(scheme string, scopes ...string) Security {
	return Security{scheme: append([]string{}, scopes...)}
}

// Or returns a copy of s that also accepts the scheme with the given scopes.
func (s Security) Or(scheme string, scopes ...string) Security {
	out := make(Security, len(s)+1)
	for k, v := range s {
		out[k] = v
	}
	out[scheme] = append([]string{}, scopes...)
	return out
}

// Grants are what a caller holds: scheme name to the scopes granted under it. A scheme
// present with no scopes means the caller is authenticated with it.
type Grants map[string][]string

// Authorizer returns the grants of the caller of a call, read from the context: its
// [Caller] details and dependencies. It returns an error when the credentials are missing
// or invalid; an [*Error] is sent as it is, any other error as [CodePermissionError].
type Authorizer func(ctx context.Context) (Grants, error)

// BearerAuthorizer returns an [Authorizer] for a [BearerAuth] scheme: it reads the token from
// the Authorization header of the call's [Caller] ("Bearer <token>", the word matched
// case-insensitively) and asks grants for the token's grants.
func BearerAuthorizer(grants func(ctx context.Context, token string) (Grants, error)) Authorizer {
	return func(ctx context.Context) (Grants, error) {
		token, err := BearerToken(ctx)
		if err != nil {
			return nil, err
		}
		return grants(ctx, token)
	}
}

// Errors of [BearerToken].
var (
	ErrNoCredentials    = errors.New("no credentials")
	ErrBadAuthorization = errors.New("malformed Authorization header: want \"Bearer <token>\"")
)

// BearerToken returns the bearer token of the call's Authorization header. It fails with
// [ErrNoCredentials] when there is none and [ErrBadAuthorization] when the header is not
// "Bearer <token>".
func BearerToken(ctx context.Context) (string, error) {
	h := CallerFrom(ctx).Get("Authorization")
	if h == "" {
		return "", ErrNoCredentials
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", ErrBadAuthorization
	}
	return token, nil
}

// Reasons in the data of a [CodePermissionError] the framework sends.
const (
	// ReasonUnauthenticated: no valid credentials for any scheme the method accepts;
	// authenticate (again).
	ReasonUnauthenticated = "unauthenticated"
	// ReasonInsufficientScope: authenticated, but missing scopes the method needs.
	ReasonInsufficientScope = "insufficient_scope"
)

// PermissionData is the data of a [CodePermissionError] the framework sends.
type PermissionData struct {
	// Reason is ReasonUnauthenticated or ReasonInsufficientScope.
	Reason string `json:"reason"`
	// Missing lists, per scheme the caller is authenticated with, the scopes it lacks.
	Missing map[string][]string `json:"missing,omitempty"`
	// Error is the authorizer's error, in debug mode only.
	Error string `json:"error,omitempty"`
}

// checkSecurity panics when m names a scheme s does not declare, or an OAuth2 scope the
// scheme does not list.
func (s *Server) checkSecurity(m *method) {
	for name, scopes := range m.Security {
		scheme, ok := s.schemes[name]
		if !ok {
			panic(fmt.Sprintf("openrpc: Register %q: security scheme %q is not declared in ServerOptions.SecuritySchemes", m.Name, name))
		}
		if o, ok := scheme.(OAuth2Auth); ok {
			known := o.Flows.scopes()
			for _, sc := range scopes {
				if !known[sc] {
					panic(fmt.Sprintf("openrpc: Register %q: scope %q is not a scope of OAuth2 scheme %q", m.Name, sc, name))
				}
			}
		}
	}
}

// secure wraps the handler of a method that has a security requirement with the check.
func (s *Server) secure(m *method, next Handler) Handler {
	if len(m.Security) == 0 {
		return next
	}
	required := m.Security
	return func(ctx context.Context, req Request) (json.RawMessage, error) {
		if err := s.authorize(ctx, required); err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

// authorize checks the caller's grants against required.
func (s *Server) authorize(ctx context.Context, required Security) error {
	if s.authorizer == nil {
		return s.permissionError(PermissionData{Reason: ReasonUnauthenticated}, "no authorizer is configured")
	}
	grants, err := s.authorizer(ctx)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return e
		}
		if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			// The authorizer did not finish (its store timed out, the caller went away): the
			// caller is not known to be unauthenticated; the call is answered as a timeout or
			// a cancellation.
			return err
		}
		return s.permissionError(PermissionData{Reason: ReasonUnauthenticated}, err.Error())
	}
	var missing map[string][]string
	for scheme, scopes := range required {
		held, ok := grants[scheme]
		if !ok {
			continue
		}
		var lacks []string
		for _, sc := range scopes {
			if !slices.Contains(held, sc) {
				lacks = append(lacks, sc)
			}
		}
		if lacks == nil {
			return nil
		}
		if missing == nil {
			missing = map[string][]string{}
		}
		missing[scheme] = lacks
	}
	if missing == nil {
		return s.permissionError(PermissionData{Reason: ReasonUnauthenticated}, "no grants for the schemes of this method")
	}
	return s.permissionError(PermissionData{Reason: ReasonInsufficientScope, Missing: missing}, "")
}

func (s *Server) permissionError(d PermissionData, detail string) *Error {
	if s.debug {
		d.Error = detail
	}
	return NewError(CodePermissionError, CodePermissionError.String(), d)
}
