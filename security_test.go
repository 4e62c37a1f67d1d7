package openrpc_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
)

// withAuth returns a context whose caller sent the given Authorization header ("" for none).
func withAuth(authorization string) context.Context {
	c := &openrpc.Caller{Transport: "test", Header: map[string][]string{}}
	if authorization != "" {
		c.Header["Authorization"] = []string{authorization}
	}
	return openrpc.WithCaller(context.Background(), c)
}

func processCtx(ctx context.Context, srv *openrpc.Server, msg string) string {
	return string(srv.Process(ctx, []byte(msg)))
}

// securedServer has tokens "ann" (Bearer scope1, scope2), "bob" (Bearer, no scopes) and
// "key" (ApiKey admin); any other token is refused by the authorizer.
func securedServer(t testing.TB, debug bool, ran *atomic.Int32) *openrpc.Server {
	grants := map[string]openrpc.Grants{
		"ann":   {"Bearer": {"scope1", "scope2"}},
		"bob":   {"Bearer": {}},
		"key":   {"ApiKey": {"admin"}},
		"typed": nil,
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Debug: debug,
		SecuritySchemes: map[string]openrpc.SecurityScheme{
			"Bearer": openrpc.BearerAuth{Format: "JWT"},
			"ApiKey": openrpc.APIKeyAuth{In: "header", Name: "X-Key"},
		},
		Authorize: openrpc.BearerAuthorizer(func(ctx context.Context, token string) (openrpc.Grants, error) {
			if token == "typed" {
				return nil, openrpc.Errorf(-1, "account locked")
			}
			g, ok := grants[token]
			if !ok {
				return nil, errors.New("token signature is invalid")
			}
			return g, nil
		}),
	})
	handler := func(_ context.Context, p addParams) (int, error) {
		ran.Add(1)
		return p.A + p.B, nil
	}
	openrpc.Register(srv, openrpc.Method{Name: "public"}, handler)
	openrpc.Register(srv, openrpc.Method{Name: "authenticated", Security: openrpc.Require("Bearer")}, handler)
	openrpc.Register(srv, openrpc.Method{Name: "scoped", Security: openrpc.Require("Bearer", "scope1", "scope2")}, handler)
	openrpc.Register(srv, openrpc.Method{Name: "either", Security: openrpc.Require("Bearer", "scope3").Or("ApiKey", "admin")}, handler)
	return srv
}

func TestServer_security(t *testing.T) {
	const call = `{"jsonrpc":"2.0","method":"%s","params":[1,2],"id":1}`
	ok := `{"jsonrpc":"2.0","result":3,"id":1}`
	denied := func(data string) string {
		return `{"jsonrpc":"2.0","error":{"code":-32099,"message":"Permission error","data":` + data + `},"id":1}`
	}
	for _, tt := range []struct {
		name, auth, method string
		debug              bool
		want               string
	}{
		{"public without credentials", "", "public", false, ok},
		{"public with bad credentials", "Bearer nope", "public", false, ok},
		{"missing header", "", "authenticated", false, denied(`{"reason":"unauthenticated"}`)},
		{"missing header, debug", "", "authenticated", true, denied(`{"reason":"unauthenticated","error":"no credentials"}`)},
		{"malformed header", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "authenticated", true,
			denied(`{"reason":"unauthenticated","error":"malformed Authorization header: want \"Bearer \u003ctoken\u003e\""}`)},
		{"empty token", "Bearer ", "authenticated", false, denied(`{"reason":"unauthenticated"}`)},
		{"invalid token leaks nothing", "Bearer nope", "authenticated", false, denied(`{"reason":"unauthenticated"}`)},
		{"invalid token, debug", "Bearer nope", "authenticated", true, denied(`{"reason":"unauthenticated","error":"token signature is invalid"}`)},
		{"authorizer's own error", "Bearer typed", "authenticated", false, `{"jsonrpc":"2.0","error":{"code":-1,"message":"account locked"},"id":1}`},
		{"authenticated", "Bearer bob", "authenticated", false, ok},
		{"bearer word is case-insensitive", "bearer bob", "authenticated", false, ok},
		{"scopes held", "Bearer ann", "scoped", false, ok},
		{"scopes missing", "Bearer bob", "scoped", false, denied(`{"reason":"insufficient_scope","missing":{"Bearer":["scope1","scope2"]}}`)},
		{"another scheme's grants only", "Bearer key", "scoped", false, denied(`{"reason":"unauthenticated"}`)},
		{"any scheme: second one permits", "Bearer key", "either", false, ok},
		{"any scheme: none permits", "Bearer ann", "either", false, denied(`{"reason":"insufficient_scope","missing":{"Bearer":["scope3"]}}`)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ran atomic.Int32
			srv := securedServer(t, tt.debug, &ran)
			got := processCtx(withAuth(tt.auth), srv, fmt.Sprintf(call, tt.method))
			checkJSON(t, got, tt.want)
			if want := int32(map[bool]int{true: 1, false: 0}[tt.want == ok]); ran.Load() != want {
				t.Errorf("handler ran %d times, want %d", ran.Load(), want)
			}
		})
	}
}

func TestServer_security_checkedBeforeParams(t *testing.T) {
	var ran atomic.Int32
	srv := securedServer(t, false, &ran)
	got := processCtx(withAuth(""), srv, `{"jsonrpc":"2.0","method":"scoped","params":{"a":"not a number"},"id":1}`)
	checkJSON(t, got, `{"jsonrpc":"2.0","error":{"code":-32099,"message":"Permission error","data":{"reason":"unauthenticated"}},"id":1}`)
	got = processCtx(withAuth("Bearer ann"), srv, `{"jsonrpc":"2.0","method":"scoped","params":{"a":"not a number"},"id":1}`)
	if !strings.Contains(got, `"code":-32602`) {
		t.Errorf("authorized call with bad params: got %s, want -32602", got)
	}
}

func TestServer_security_noAuthorizer(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		Debug:           true,
		SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{}},
	})
	openrpc.Register(srv, openrpc.Method{Name: "m", Security: openrpc.Require("Bearer")}, add)
	checkJSON(t, processCtx(withAuth("Bearer x"), srv, `{"jsonrpc":"2.0","method":"m","params":[1,2],"id":1}`),
		`{"jsonrpc":"2.0","error":{"code":-32099,"message":"Permission error","data":{"reason":"unauthenticated","error":"no authorizer is configured"}},"id":1}`)
}

func TestRegister_securityPanics(t *testing.T) {
	oauth := openrpc.OAuth2Auth{Flows: openrpc.OAuthFlows{ClientCredentials: &openrpc.OAuthFlow{
		TokenURL: "https://example.com/token", Scopes: map[string]string{"read": "Read things."},
	}}}
	for _, tt := range []struct {
		name string
		reg  func(*openrpc.Server)
		want string
	}{
		{"undeclared scheme", func(s *openrpc.Server) {
			openrpc.Register(s, openrpc.Method{Name: "m", Security: openrpc.Require("Basic")}, add)
		}, `Register "m": security scheme "Basic" is not declared`},
		{"undeclared scheme through a router", func(s *openrpc.Server) {
			r := openrpc.NewRouter()
			openrpc.Register(r, openrpc.Method{Name: "m", Security: openrpc.Require("Basic")}, add)
			s.Include(r, &openrpc.IncludeOptions{Prefix: "x."})
		}, `Register "x.m": security scheme "Basic" is not declared`},
		{"undeclared OAuth2 scope", func(s *openrpc.Server) {
			openrpc.Register(s, openrpc.Method{Name: "m", Security: openrpc.Require("OAuth", "write")}, add)
		}, `Register "m": scope "write" is not a scope of OAuth2 scheme "OAuth"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
				SecuritySchemes: map[string]openrpc.SecurityScheme{"OAuth": oauth},
			})
			defer func() {
				if got := fmt.Sprint(recover()); !strings.Contains(got, tt.want) {
					t.Errorf("panic %q, want it to contain %q", got, tt.want)
				}
			}()
			tt.reg(srv)
		})
	}
}

func TestSecurity_Or(t *testing.T) {
	a := openrpc.Require("A", "x")
	b := a.Or("B")
	if len(a) != 1 || len(b) != 2 || b["B"] == nil || len(b["B"]) != 0 {
		t.Errorf("Require(A, x).Or(B) = %v (and changed the original to %v)", b, a)
	}
}

func TestServer_Document_security(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "Secured", Version: "1.0.0"}, &openrpc.ServerOptions{
		SecuritySchemes: map[string]openrpc.SecurityScheme{
			"Bearer": openrpc.BearerAuth{Format: "JWT", Description: "A token from sign_in."},
			"ApiKey": openrpc.APIKeyAuth{In: "header", Name: "X-API-Key"},
			"OAuth": openrpc.OAuth2Auth{Flows: openrpc.OAuthFlows{
				AuthorizationCode: &openrpc.OAuthFlow{
					AuthorizationURL: "https://example.com/authorize", TokenURL: "https://example.com/token",
					Scopes: map[string]string{"read": "Read things.", "write": "Change things."},
				},
				ClientCredentials: &openrpc.OAuthFlow{TokenURL: "https://example.com/token", Scopes: map[string]string{"read": "Read things."}},
				Password:          &openrpc.OAuthFlow{TokenURL: "https://example.com/token", Scopes: map[string]string{}},
			}},
		},
	})
	openrpc.Register(srv, openrpc.Method{Name: "public"}, add)
	openrpc.Register(srv, openrpc.Method{Name: "get_caller", Security: openrpc.Require("Bearer")}, add)
	openrpc.Register(srv, openrpc.Method{Name: "require_scopes", Security: openrpc.Require("Bearer", "scope1")}, add)
	openrpc.Register(srv, openrpc.Method{Name: "write", Security: openrpc.Require("OAuth", "read", "write").Or("ApiKey")}, add)
	doc, err := srv.DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "security.openrpc.golden", doc)
}

// Issue 10: an authorizer that cannot finish (its store times out) does not make the
// caller unauthenticated: the call is answered with the timeout code, whether the
// authorizer returns the context's error or one of its own after the deadline.
func TestServer_security_authorizerTimeout(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  func(ctx context.Context) error
	}{
		{"context error", func(ctx context.Context) error { return fmt.Errorf("loading user: %w", ctx.Err()) }},
		{"own error after the deadline", func(context.Context) error { return errors.New("connection interrupted") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ran atomic.Int32
			srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
				Limits:          openrpc.Limits{CallTimeout: 10 * time.Millisecond},
				Logger:          slog.New(slog.DiscardHandler),
				SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{}},
				Authorize: func(ctx context.Context) (openrpc.Grants, error) {
					<-ctx.Done()
					return nil, tt.err(ctx)
				},
			})
			openrpc.Register(srv, openrpc.Method{Name: "m", Security: openrpc.Require("Bearer")}, func(context.Context, struct{}) (int, error) {
				ran.Add(1)
				return 1, nil
			})
			checkJSON(t, processCtx(withAuth("Bearer x"), srv, `{"jsonrpc":"2.0","method":"m","id":1}`),
				`{"jsonrpc":"2.0","error":{"code":-32001,"message":"Request timeout"},"id":1}`)
			if ran.Load() != 0 {
				t.Error("the handler ran without authorization")
			}
		})
	}
}

// Issue 18: callers holding some, but not all, of the scopes a method needs. A scheme counts
// only when all its scopes are held: holding part of one alternative never adds up with
// another. Each call runs several times, since the schemes of a requirement are a map.
func TestServer_security_partialScopes(t *testing.T) {
	grants := map[string]openrpc.Grants{
		"scope1":            {"Bearer": {"scope1"}},
		"scope2 and more":   {"Bearer": {"scope2", "scope3"}},
		"both":              {"Bearer": {"scope2", "scope1"}},
		"half and half":     {"Bearer": {"scope1"}, "ApiKey": {"admin"}},
		"half and full":     {"Bearer": {"scope1"}, "ApiKey": {"audit", "admin"}},
		"full and half":     {"Bearer": {"scope1", "scope2"}, "ApiKey": {"audit"}},
		"full and nothing":  {"Bearer": {"scope1", "scope2"}, "ApiKey": {}},
		"nothing and half":  {"Bearer": {}, "ApiKey": {"audit"}},
		"other scheme full": {"Other": {"scope1", "scope2", "admin", "audit"}},
		"split":             {"Bearer": {"scope1"}, "ApiKey": {"scope2", "admin"}},
	}
	srv := openrpc.NewServer(openrpc.Info{Title: "t", Version: "1"}, &openrpc.ServerOptions{
		SecuritySchemes: map[string]openrpc.SecurityScheme{
			"Bearer": openrpc.BearerAuth{},
			"ApiKey": openrpc.APIKeyAuth{In: "header", Name: "X-Key"},
			"Other":  openrpc.BearerAuth{},
		},
		Authorize: openrpc.BearerAuthorizer(func(ctx context.Context, token string) (openrpc.Grants, error) {
			return grants[strings.ReplaceAll(token, "_", " ")], nil
		}),
	})
	var ran atomic.Int32
	handler := func(_ context.Context, p addParams) (int, error) {
		ran.Add(1)
		return p.A + p.B, nil
	}
	openrpc.Register(srv, openrpc.Method{Name: "both_scopes", Security: openrpc.Require("Bearer", "scope1", "scope2")}, handler)
	openrpc.Register(srv, openrpc.Method{Name: "either", Security: openrpc.Require("Bearer", "scope1", "scope2").Or("ApiKey", "admin", "audit")}, handler)
	ok := `{"jsonrpc":"2.0","result":3,"id":1}`
	denied := func(data string) string {
		return `{"jsonrpc":"2.0","error":{"code":-32099,"message":"Permission error","data":` + data + `},"id":1}`
	}
	for _, tt := range []struct{ caller, method, want string }{
		{"scope1", "both_scopes", denied(`{"reason":"insufficient_scope","missing":{"Bearer":["scope2"]}}`)},
		{"scope2 and more", "both_scopes", denied(`{"reason":"insufficient_scope","missing":{"Bearer":["scope1"]}}`)},
		{"both", "both_scopes", ok},
		{"half and half", "either", denied(`{"reason":"insufficient_scope","missing":{"ApiKey":["audit"],"Bearer":["scope2"]}}`)},
		{"half and full", "either", ok},
		{"full and half", "either", ok},
		{"full and nothing", "either", ok},
		{"nothing and half", "either", denied(`{"reason":"insufficient_scope","missing":{"ApiKey":["admin"],"Bearer":["scope1","scope2"]}}`)},
		{"scope1", "either", denied(`{"reason":"insufficient_scope","missing":{"Bearer":["scope2"]}}`)},
		{"other scheme full", "either", denied(`{"reason":"unauthenticated"}`)},
		{"split", "either", denied(`{"reason":"insufficient_scope","missing":{"ApiKey":["audit"],"Bearer":["scope2"]}}`)},
	} {
		t.Run(tt.caller+" calls "+tt.method, func(t *testing.T) {
			ran.Store(0)
			const n = 20
			for range n {
				got := processCtx(withAuth("Bearer "+strings.ReplaceAll(tt.caller, " ", "_")), srv,
					`{"jsonrpc":"2.0","method":"`+tt.method+`","params":[1,2],"id":1}`)
				checkJSON(t, got, tt.want)
			}
			if want := map[bool]int32{true: n}[tt.want == ok]; ran.Load() != want {
				t.Errorf("handler ran %d times, want %d", ran.Load(), want)
			}
		})
	}
}
