package e2e

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/internal/exampletest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

// authBackend starts the sign-up / sign-in service the browser test drives and returns its
// base URL ("http://127.0.0.1:port"), serving /api/v1 and /openrpc.json.
//
// It is examples/auth, built from source and run on a temporary SQLite database, when the
// repository has it; otherwise (or with E2E_AUTH_BACKEND=inproc) an in-process server with
// the same five methods, shapes and Bearer scheme, keeping users in memory.
func authBackend(t *testing.T) string {
	t.Helper()
	mode := os.Getenv("E2E_AUTH_BACKEND")
	if mode == "" {
		mode = "inproc"
		if _, err := os.Stat(filepath.Join(repoRoot(t), "examples", "auth", "main.go")); err == nil {
			mode = "examples"
		}
	}
	switch mode {
	case "examples":
		return startExamplesAuth(t)
	case "inproc":
		t.Log("auth backend: in-process stand-in for examples/auth")
		srv := httptest.NewServer(newInprocAuth().mux())
		t.Cleanup(srv.Close)
		return srv.URL
	}
	t.Fatalf("E2E_AUTH_BACKEND=%q: want examples or inproc", mode)
	return ""
}

// repoRoot is the repository root: the parent of this module.
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

// startExamplesAuth runs examples/auth on a fresh SQLite file with the cheapest bcrypt cost,
// and returns its base URL once it listens.
func startExamplesAuth(t *testing.T) string {
	t.Helper()
	return exampletest.StartAuth(t)
}

// inprocAuth is the stand-in for examples/auth: the same methods and shapes, users in
// memory, random opaque tokens instead of JWTs.
type inprocAuth struct {
	mu     sync.Mutex
	users  map[string]*inprocUser
	tokens map[string]string // token -> username
	srv    *openrpc.Server
}

type inprocUser struct {
	hash   [32]byte
	salt   []byte
	scopes []string
}

// Credentials are the params of sign_up and sign_in.
type Credentials struct {
	Username string `json:"username" minLength:"3" maxLength:"64" pattern:"^[a-z0-9][a-z0-9._-]*$" doc:"The user name: 3 to 64 characters: lower-case ASCII letters, digits, '.', '_' and '-', starting with a letter or a digit."`
	Password string `json:"password" minLength:"8" maxLength:"72" doc:"The password: at least 8 characters and at most 72 bytes."`
}

// GrantScopesParams are the params of grant_scopes.
type GrantScopesParams struct {
	Username string   `json:"username" minLength:"3" maxLength:"64" pattern:"^[a-z0-9][a-z0-9._-]*$" doc:"The user to grant the scopes to."`
	Scopes   []string `json:"scopes" minItems:"1" maxItems:"32" minLength:"1" maxLength:"64" doc:"Scopes of the Bearer scheme to add."`
}

// Token is the result of sign_in.
type Token struct {
	AccessToken string `json:"access_token" doc:"The token to send as \"Authorization: Bearer <access_token>\"."`
	TokenType   string `json:"token_type" enum:"bearer" doc:"Always \"bearer\"."`
}

// User is a user as clients see it.
type User struct {
	Username        string              `json:"username" doc:"The user name."`
	SecuritySchemes map[string][]string `json:"security_schemes" doc:"The scopes the user holds, by security scheme."`
}

var (
	errTaken     = openrpc.NewError(1001, "Username is taken", nil)
	errBadCreds  = openrpc.NewError(1002, "Invalid username or password", nil)
	errNoSuch    = openrpc.NewError(1003, "No such user", nil)
	docPermError = openrpc.Error{Code: openrpc.CodePermissionError, Message: "Permission error"}
)

func newInprocAuth() *inprocAuth {
	a := &inprocAuth{users: map[string]*inprocUser{}, tokens: map[string]string{}}
	currentUser := openrpc.Provide("current_user", func(ctx context.Context) (string, error) {
		tok, err := openrpc.BearerToken(ctx)
		if err != nil {
			return "", err
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		name, ok := a.tokens[tok]
		if !ok {
			return "", errors.New("unknown token")
		}
		return name, nil
	})
	a.srv = openrpc.NewServer(openrpc.Info{
		Title:       "Auth",
		Version:     "1.0.0",
		Description: "Sign up and sign in with a user name and a password; call methods with the bearer token sign_in returns.",
	}, &openrpc.ServerOptions{
		SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{Description: "The access_token of sign_in."}},
		Authorize: func(ctx context.Context) (openrpc.Grants, error) {
			name, err := currentUser.Get(ctx)
			if err != nil {
				return nil, err
			}
			a.mu.Lock()
			defer a.mu.Unlock()
			return openrpc.Grants{"Bearer": slices.Clone(a.users[name].scopes)}, nil
		},
	})
	account := []openrpc.Tag{{Name: "account", Description: "Signing up and signing in."}}
	caller := []openrpc.Tag{{Name: "caller", Description: "Methods for signed-in users."}}
	admin := []openrpc.Tag{{Name: "admin", Description: "Methods for administrators (scope admin)."}}
	openrpc.Register(a.srv, openrpc.Method{Name: "sign_up", Summary: "Create a user.", Tags: account, Errors: []openrpc.Error{*errTaken}, ResultName: "null"},
		func(ctx context.Context, p Credentials) (struct{}, error) {
			a.mu.Lock()
			defer a.mu.Unlock()
			if _, ok := a.users[p.Username]; ok {
				return struct{}{}, errTaken
			}
			salt := make([]byte, 16)
			rand.Read(salt)
			a.users[p.Username] = &inprocUser{salt: salt, hash: sha256.Sum256(append(salt, p.Password...))}
			return struct{}{}, nil
		})
	openrpc.Register(a.srv, openrpc.Method{Name: "sign_in", Summary: "Get an access token.", Tags: account, Errors: []openrpc.Error{*errBadCreds}, ResultName: "token"},
		func(ctx context.Context, p Credentials) (Token, error) {
			a.mu.Lock()
			defer a.mu.Unlock()
			u, ok := a.users[p.Username]
			if !ok {
				return Token{}, errBadCreds
			}
			h := sha256.Sum256(append(slices.Clone(u.salt), p.Password...))
			if subtle.ConstantTimeCompare(h[:], u.hash[:]) != 1 {
				return Token{}, errBadCreds
			}
			b := make([]byte, 24)
			rand.Read(b)
			tok := hex.EncodeToString(b)
			a.tokens[tok] = p.Username
			return Token{AccessToken: tok, TokenType: "bearer"}, nil
		})
	openrpc.Register(a.srv, openrpc.Method{Name: "get_caller", Summary: "Return the signed-in user.", Tags: caller, Security: openrpc.Require("Bearer"), Errors: []openrpc.Error{docPermError}, ResultName: "user"},
		func(ctx context.Context, _ struct{}) (User, error) {
			name, err := currentUser.Get(ctx)
			if err != nil {
				return User{}, err
			}
			return a.user(name), nil
		})
	openrpc.Register(a.srv, openrpc.Method{Name: "require_scopes", Summary: "Return true: only callers holding scope1 may call it.", Tags: caller, Security: openrpc.Require("Bearer", "scope1"), Errors: []openrpc.Error{docPermError}, ResultName: "ok"},
		func(ctx context.Context, _ struct{}) (bool, error) { return true, nil })
	openrpc.Register(a.srv, openrpc.Method{Name: "grant_scopes", Summary: "Grant Bearer scopes to a user.", Tags: admin, Security: openrpc.Require("Bearer", "admin"), Errors: []openrpc.Error{*errNoSuch, docPermError}, ResultName: "user"},
		func(ctx context.Context, p GrantScopesParams) (User, error) {
			a.mu.Lock()
			u, ok := a.users[p.Username]
			if ok {
				for _, s := range p.Scopes {
					if !slices.Contains(u.scopes, s) {
						u.scopes = append(u.scopes, s)
					}
				}
			}
			a.mu.Unlock()
			if !ok {
				return User{}, errNoSuch
			}
			return a.user(p.Username), nil
		})
	// The administrator of examples/auth's AUTH_ADMIN.
	salt := []byte("root-salt")
	a.users["root"] = &inprocUser{salt: salt, hash: sha256.Sum256(append(slices.Clone(salt), "root-password-1"...)), scopes: []string{"admin"}}
	return a
}

func (a *inprocAuth) user(name string) User {
	a.mu.Lock()
	defer a.mu.Unlock()
	scopes := slices.Clone(a.users[name].scopes)
	if scopes == nil {
		scopes = []string{}
	}
	return User{Username: name, SecuritySchemes: map[string][]string{"Bearer": scopes}}
}

func (a *inprocAuth) mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/api/v1", rpchttp.NewHandler(a.srv, nil))
	mux.Handle("/openrpc.json", rpchttp.NewDocumentHandler(a.srv))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	return mux
}
