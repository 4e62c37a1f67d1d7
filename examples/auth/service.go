package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/openrpc-go/openrpc"
)

// Application error codes: outside the range JSON-RPC reserves (-32768 to -32000).
const (
	// codeUsernameTaken: sign_up of a name that exists. The account is unchanged.
	codeUsernameTaken openrpc.Code = 1001
	// codeBadCredentials: sign_in of an unknown user or with a wrong password; the two are
	// the same error, answered in similar time.
	codeBadCredentials openrpc.Code = 1002
	// codeNoSuchUser: grant_scopes for a name without an account.
	codeNoSuchUser openrpc.Code = 1003
)

var (
	errUsernameTakenRPC  = openrpc.NewError(codeUsernameTaken, "Username is taken", nil)
	errBadCredentialsRPC = openrpc.NewError(codeBadCredentials, "Invalid username or password", nil)
	errNoSuchUserRPC     = openrpc.NewError(codeNoSuchUser, "No such user", nil)
	// errStore answers a call the store failed; the cause goes to the log only.
	errStore = openrpc.NewError(openrpc.CodeServerError, openrpc.CodeServerError.String(), nil)
)

// Errors the framework sends, listed in the methods' documentation too.
var (
	docInvalidParams = openrpc.Error{Code: openrpc.CodeInvalidParams, Message: "Invalid params"}
	docPermission    = openrpc.Error{Code: openrpc.CodePermissionError, Message: "Permission error"}
	docServerError   = openrpc.Error{Code: openrpc.CodeServerError, Message: "Server error"}
	docTimeout       = openrpc.Error{Code: openrpc.CodeTimeout, Message: "Request timeout"}
)

// Usernames: 3 to 64 characters, lower-case ASCII letters, digits, '.', '_' and '-',
// starting with a letter or a digit. Lower case only, so that "Alice" cannot pose as
// "alice"; ASCII only, so that no look-alike letter from another script can either.
const (
	usernamePattern = `^[a-z0-9][a-z0-9._-]*$`
	usernameDoc     = "3 to 64 characters: lower-case ASCII letters, digits, '.', '_' and '-', starting with a letter or a digit."
	// maxPasswordBytes is bcrypt's limit: it ignores what follows, so longer passwords are
	// refused rather than silently truncated.
	maxPasswordBytes = 72
	minPasswordChars = 8
)

var usernameRE = regexp.MustCompile(usernamePattern)

// Credentials are the params of sign_up and sign_in. The tags are published in the OpenRPC
// document and enforced by the framework; the byte length of the password, which JSON Schema
// cannot express, is checked by the service.
type Credentials struct {
	Username string `json:"username" minLength:"3" maxLength:"64" pattern:"^[a-z0-9][a-z0-9._-]*$" doc:"The user name: 3 to 64 characters: lower-case ASCII letters, digits, '.', '_' and '-', starting with a letter or a digit." example:"alice"`
	Password string `json:"password" minLength:"8" maxLength:"72" doc:"The password: at least 8 characters and at most 72 bytes of UTF-8 (bcrypt's limit). Longer passwords are refused, never truncated." example:"correct horse battery"`
}

// GrantScopesParams are the params of grant_scopes.
type GrantScopesParams struct {
	Username string   `json:"username" minLength:"3" maxLength:"64" pattern:"^[a-z0-9][a-z0-9._-]*$" doc:"The user to grant the scopes to." example:"alice"`
	Scopes   []string `json:"scopes" minItems:"1" maxItems:"32" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]+$" doc:"Scopes of the Bearer scheme to add; those the user holds already are kept." example:"[\"scope1\"]"`
}

// Token is the result of sign_in, shaped as an OAuth 2 token response.
type Token struct {
	AccessToken string `json:"access_token" doc:"A JWT (HS256) to send as \"Authorization: Bearer <access_token>\"."`
	TokenType   string `json:"token_type" enum:"bearer" doc:"Always \"bearer\"."`
}

// User is a user as clients see it: never with the password hash.
type User struct {
	Username        string              `json:"username" doc:"The user name."`
	SecuritySchemes map[string][]string `json:"security_schemes" doc:"The scopes the user holds, by security scheme."`
}

func userOf(a Account) User {
	return User{Username: a.Username, SecuritySchemes: map[string][]string{"Bearer": a.Scopes}}
}

// defaultCallTimeout is the default of -call-timeout.
const defaultCallTimeout = 15 * time.Second

// scopeAdmin is the scope grant_scopes needs.
const scopeAdmin = "admin"

// Service is the sign-up / sign-in service: the methods, the get_user dependency and the
// authorizer.
type Service struct {
	store  Store
	tokens *tokens
	cost   int
	logger *slog.Logger
	now    func() time.Time
	// callTimeout is the server's Limits.CallTimeout: the deadline of every call.
	callTimeout time.Duration

	// bcrypt bounds the bcrypt work running at once, so that a flood of sign-ins queues
	// here instead of taking every core from cheap calls like get_caller, and shares it
	// fairly between callers, so that a flood from one does not starve the others.
	bcrypt *fairSlots
	// dummyHash, at the cost cost, is compared with the password of sign-ins for unknown
	// users, so that they cost what a wrong password costs (see comparePassword).
	dummyHash []byte
	// failCost is the bcrypt cost every failed password check costs (see comparePassword).
	failCost atomic.Int64

	// signUps tells the watch_sign_ups subscriptions of each new account.
	signUps signUps

	// currentUser is the seed's get_user dependency: the account the bearer token names,
	// computed at most once per call and shared by the authorizer and the handler.
	currentUser *openrpc.Dependency[Account]
}

// newService returns the service. bcryptSlots bounds the bcrypt hashes computed at once;
// 0 means runtime.GOMAXPROCS(0).
func newService(st Store, tok *tokens, cost, bcryptSlots int, logger *slog.Logger) (*Service, error) {
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		return nil, fmt.Errorf("bcrypt cost %d: want %d to %d", cost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	if bcryptSlots <= 0 {
		bcryptSlots = runtime.GOMAXPROCS(0)
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("a password no account has"), cost)
	if err != nil {
		return nil, err
	}
	s := &Service{
		store:       st,
		tokens:      tok,
		cost:        cost,
		logger:      logger,
		now:         time.Now,
		callTimeout: defaultCallTimeout,
		bcrypt:      newFairSlots(bcryptSlots),
		dummyHash:   dummy,
	}
	s.failCost.Store(int64(cost))
	s.currentUser = openrpc.Provide("get_user", s.getUser)
	return s, nil
}

// getUser reads the bearer token of the call, verifies it and loads the account it names.
// Errors other than an *openrpc.Error make the authorizer answer "Permission error" with
// reason "unauthenticated" (their text goes to clients only in debug mode).
func (s *Service) getUser(ctx context.Context) (Account, error) {
	raw, err := openrpc.BearerToken(ctx)
	if err != nil {
		return Account{}, err
	}
	id, _, err := s.tokens.verify(raw)
	if err != nil {
		return Account{}, fmt.Errorf("invalid token: %w", err)
	}
	a, err := s.store.UserByID(ctx, id)
	if errors.Is(err, errNoSuchUser) {
		return Account{}, fmt.Errorf("the token's account %d does not exist", id)
	}
	if err != nil {
		// A failing or slow database is not the caller's fault: an *openrpc.Error, so that the
		// authorizer passes it on rather than answering Permission error.
		return Account{}, s.storeError(ctx, "get_user", err)
	}
	return a, nil
}

// authorize is the server's authorizer: the grants of the account the token names, read
// from the store on every call, so a grant takes effect without signing in again.
func (s *Service) authorize(ctx context.Context) (openrpc.Grants, error) {
	a, err := s.currentUser.Get(ctx)
	if err != nil {
		return nil, err
	}
	return openrpc.Grants{"Bearer": a.Scopes}, nil
}

// newServer returns the JSON-RPC server with the service's methods, observed by observers.
func (s *Service) newServer(debug bool, observers ...openrpc.Observer) *openrpc.Server {
	srv := openrpc.NewServer(openrpc.Info{
		Title:   "Auth",
		Version: "1.0.0",
		Description: "Sign up and sign in with a user name and a password; call methods with the bearer token " +
			"sign_in returns. Passwords are hashed with bcrypt; tokens are JWTs (HS256).",
	}, &openrpc.ServerOptions{
		SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{
			Format:      "JWT",
			Description: "The access_token of sign_in, as \"Authorization: Bearer <token>\".",
		}},
		Authorize: s.authorize,
		Logger:    s.logger,
		Debug:     debug,
		Observers: observers,
		Limits: openrpc.Limits{
			// Each sign_in is a password guess: a batch must not multiply them by a thousand.
			MaxBatchItems: 10,
			// Bounds a call queued behind bcrypt work or waiting for the database, and so a
			// graceful shutdown.
			CallTimeout: s.callTimeout,
		},
	})
	account := []openrpc.Tag{{Name: "account", Description: "Signing up and signing in."}}
	caller := []openrpc.Tag{{Name: "caller", Description: "Methods for signed-in users."}}
	admin := []openrpc.Tag{{Name: "admin", Description: "Methods for administrators (scope admin)."}}

	openrpc.Register(srv, openrpc.Method{
		Name:    "sign_up",
		Summary: "Create a user.",
		Description: "Creates a user with a name nobody has and a password. An existing user is never " +
			"changed: signing up a taken name fails with error 1001. Passwords longer than 72 bytes are " +
			"refused with Invalid params.",
		Tags:       account,
		Errors:     []openrpc.Error{*errUsernameTakenRPC, docInvalidParams, docServerError, docTimeout},
		ResultName: "null",
		Examples: []openrpc.ExamplePairing{{
			Name:   "alice signs up",
			Params: []openrpc.Example{{Name: "username", Value: "alice"}, {Name: "password", Value: "correct horse battery"}},
			Result: &openrpc.Example{Name: "null", Value: nil},
		}},
	}, s.SignUp)
	openrpc.Register(srv, openrpc.Method{
		Name:    "sign_in",
		Summary: "Get an access token.",
		Description: "Checks the user name and password and returns a bearer token valid for the " +
			"service's token lifetime (one hour by default). An unknown user and a wrong password give " +
			"the same error, 1002.",
		Tags:       account,
		Errors:     []openrpc.Error{*errBadCredentialsRPC, docInvalidParams, docServerError, docTimeout},
		ResultName: "token",
		Examples: []openrpc.ExamplePairing{{
			Name:   "alice signs in",
			Params: []openrpc.Example{{Name: "username", Value: "alice"}, {Name: "password", Value: "correct horse battery"}},
			Result: &openrpc.Example{Name: "token", Value: Token{AccessToken: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...", TokenType: "bearer"}},
		}},
	}, s.SignIn)
	openrpc.Register(srv, openrpc.Method{
		Name:        "get_caller",
		Summary:     "Return the signed-in user.",
		Description: "Returns the user the bearer token names, with the scopes it holds now.",
		Tags:        caller,
		Security:    openrpc.Require("Bearer"),
		Errors:      []openrpc.Error{docPermission, docServerError, docTimeout},
		ResultName:  "user",
	}, s.GetCaller)
	openrpc.Register(srv, openrpc.Method{
		Name:        "require_scopes",
		Summary:     "Return true: only callers holding scope1 may call it.",
		Description: "Shows a method that needs a scope. Others get Permission error with reason insufficient_scope.",
		Tags:        caller,
		Security:    openrpc.Require("Bearer", "scope1"),
		Errors:      []openrpc.Error{docPermission, docServerError, docTimeout},
		ResultName:  "ok",
	}, s.RequireScopes)
	openrpc.Register(srv, openrpc.Method{
		Name:    "grant_scopes",
		Summary: "Grant Bearer scopes to a user.",
		Description: "Adds scopes to a user; they take effect on the user's next call, without signing in " +
			"again. Needs scope admin: the administrator AUTH_ADMIN names holds it.",
		Tags:       admin,
		Security:   openrpc.Require("Bearer", scopeAdmin),
		Errors:     []openrpc.Error{*errNoSuchUserRPC, docPermission, docInvalidParams, docServerError, docTimeout},
		ResultName: "user",
	}, s.GrantScopes)
	openrpc.RegisterSubscription(srv, openrpc.Method{
		Name:    "watch_sign_ups",
		Summary: "Watch sign-ups as they happen.",
		Description: "A subscription: call it over WebSocket, with the bearer token in the handshake's " +
			"Authorization header. Each new account arrives as a watch_sign_ups notification with params " +
			"{subscription, result: {username, at}}; watch_sign_ups_unsubscribe ends it. An administrator " +
			"who reads more than 256 sign-ups behind is dropped with error 1004 rather than slow sign_up " +
			"down. The subscription lasts as long as the token of the handshake: when it expires, the " +
			"subscription ends with error 1005; sign in, connect with the new token and subscribe again. " +
			"Needs scope admin.",
		Tags:     admin,
		Security: openrpc.Require("Bearer", scopeAdmin),
		Errors:   []openrpc.Error{*errWatchBehind, *errTokenExpired, docPermission, docServerError},
	}, s.WatchSignUps)
	return srv
}

// SignUp creates a user. It never changes an existing one.
func (s *Service) SignUp(ctx context.Context, p Credentials) (struct{}, error) {
	if err := checkPassword(p.Password); err != nil {
		return struct{}{}, err
	}
	// Saves the bcrypt work for names known to be taken; CreateUser decides races.
	if _, err := s.store.UserByName(ctx, p.Username); err == nil {
		return struct{}{}, errUsernameTakenRPC
	} else if !errors.Is(err, errNoSuchUser) {
		return struct{}{}, s.storeError(ctx, "sign_up", err)
	}
	hash, err := s.hash(ctx, p.Password)
	if err != nil {
		return struct{}{}, err
	}
	if _, err := s.store.CreateUser(ctx, p.Username, hash); errors.Is(err, errUsernameTaken) {
		return struct{}{}, errUsernameTakenRPC
	} else if err != nil {
		return struct{}{}, s.storeError(ctx, "sign_up", err)
	}
	s.logger.InfoContext(ctx, "signed up", "username", p.Username)
	s.signUps.publish(SignUp{Username: p.Username, At: s.now().UTC()})
	return struct{}{}, nil
}

// SignIn checks the credentials and returns an access token.
func (s *Service) SignIn(ctx context.Context, p Credentials) (Token, error) {
	if err := checkPassword(p.Password); err != nil {
		return Token{}, err
	}
	a, err := s.store.UserByName(ctx, p.Username)
	known := err == nil
	if err != nil && !errors.Is(err, errNoSuchUser) {
		return Token{}, s.storeError(ctx, "sign_in", err)
	}
	hash := a.PasswordHash
	if !known {
		hash = s.dummyHash // the same work as for a wrong password
	}
	match, err := s.comparePassword(ctx, hash, p.Password)
	if err != nil {
		return Token{}, err
	}
	if !known || !match {
		return Token{}, errBadCredentialsRPC
	}
	s.upgradeHash(ctx, a, p.Password)
	tok, err := s.tokens.issue(a, s.now())
	if err != nil {
		return Token{}, err
	}
	return Token{AccessToken: tok, TokenType: "bearer"}, nil
}

// upgradeHash re-hashes the password of a, just signed in, at the current -bcrypt-cost when
// its hash was made at another, so that every hash moves to the cost the operator chose.
// (Failed sign-ins take the same time meanwhile: see comparePassword.) A failure only leaves
// the old hash, and is logged.
func (s *Service) upgradeHash(ctx context.Context, a Account, password string) {
	if cost, err := bcrypt.Cost(a.PasswordHash); err != nil || cost == s.cost {
		return
	}
	hash, err := s.hash(ctx, password)
	if err == nil {
		err = s.store.SetPasswordHash(ctx, a.ID, a.PasswordHash, hash)
	}
	if err != nil {
		s.logger.WarnContext(ctx, "re-hashing a password at the current cost failed", "username", a.Username, "err", err)
	}
}

// GetCaller returns the signed-in user.
func (s *Service) GetCaller(ctx context.Context, _ struct{}) (User, error) {
	a, err := s.currentUser.Get(ctx) // computed by the authorizer already
	if err != nil {
		return User{}, err
	}
	return userOf(a), nil
}

// RequireScopes returns true; the framework lets only callers holding scope1 call it.
func (s *Service) RequireScopes(context.Context, struct{}) (bool, error) { return true, nil }

// GrantScopes adds scopes to a user.
func (s *Service) GrantScopes(ctx context.Context, p GrantScopesParams) (User, error) {
	a, err := s.store.GrantScopes(ctx, p.Username, p.Scopes)
	if errors.Is(err, errNoSuchUser) {
		return User{}, errNoSuchUserRPC
	}
	if err != nil {
		return User{}, s.storeError(ctx, "grant_scopes", err)
	}
	if by, err := s.currentUser.Get(ctx); err == nil {
		s.logger.InfoContext(ctx, "granted scopes", "username", p.Username, "scopes", p.Scopes, "by", by.Username)
	}
	return userOf(a), nil
}

// putAdmin creates or updates the administrator of AUTH_ADMIN ("name:password"), who holds
// scope admin.
func (s *Service) putAdmin(ctx context.Context, spec string) error {
	name, password, ok := strings.Cut(spec, ":")
	if !ok {
		return errors.New(`AUTH_ADMIN: want "name:password"`)
	}
	if n := len([]rune(name)); n < 3 || n > 64 || !usernameRE.MatchString(name) {
		return fmt.Errorf("AUTH_ADMIN: the name %q is not a valid user name: %s", name, usernameDoc)
	}
	if err := checkPassword(password); err != nil || len([]rune(password)) < minPasswordChars {
		return fmt.Errorf("AUTH_ADMIN: the password must have at least %d characters and at most %d bytes", minPasswordChars, maxPasswordBytes)
	}
	// Promoting an existing ordinary account would make every token it already holds an
	// administrator's token: only an administrator's password may be reset this way.
	if a, err := s.store.UserByName(ctx, name); err == nil && !slices.Contains(a.Scopes, scopeAdmin) {
		return fmt.Errorf("AUTH_ADMIN: %q is an existing account without scope %s: refusing to promote it; choose another name", name, scopeAdmin)
	} else if err != nil && !errors.Is(err, errNoSuchUser) {
		return fmt.Errorf("AUTH_ADMIN: %w", err)
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return err
	}
	a, err := s.store.PutUser(ctx, name, hash, []string{scopeAdmin})
	if err != nil {
		return fmt.Errorf("AUTH_ADMIN: %w", err)
	}
	s.logger.InfoContext(ctx, "administrator ready (AUTH_ADMIN)", "username", a.Username, "scopes", a.Scopes)
	return nil
}

// checkPassword refuses passwords bcrypt would truncate. The framework has checked the
// params' schema (8 to 72 characters) already; characters are not bytes.
func checkPassword(password string) error {
	// bcrypt stops at a NUL byte, and lone surrogates all decode to U+FFFD: either would make
	// different passwords equal.
	if strings.ContainsFunc(password, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }) {
		return openrpc.NewError(openrpc.CodeInvalidParams, openrpc.CodeInvalidParams.String(), openrpc.InvalidParamsData{
			Errors: []openrpc.ParamError{{Path: "/password", Message: "the password must not contain control characters or U+FFFD"}},
		})
	}
	if n := len(password); n > maxPasswordBytes {
		return openrpc.NewError(openrpc.CodeInvalidParams, openrpc.CodeInvalidParams.String(), openrpc.InvalidParamsData{
			Errors: []openrpc.ParamError{{
				Path:    "/password",
				Message: fmt.Sprintf("the password has %d bytes of UTF-8; at most %d are allowed (bcrypt's limit)", n, maxPasswordBytes),
			}},
		})
	}
	return nil
}

// hash returns the bcrypt hash of password, waiting for a bcrypt slot.
func (s *Service) hash(ctx context.Context, password string) ([]byte, error) {
	var hash []byte
	var err error
	if werr := s.withBcrypt(ctx, func() { hash, err = bcrypt.GenerateFromPassword([]byte(password), s.cost) }); werr != nil {
		return nil, werr
	}
	return hash, err
}

// withBcrypt runs f, bcrypt work, once the caller of ctx gets a bcrypt slot, or fails when
// ctx ends first.
func (s *Service) withBcrypt(ctx context.Context, f func()) error {
	if err := s.bcrypt.acquire(ctx); err != nil {
		return err
	}
	defer s.bcrypt.release()
	f()
	return nil
}

// storeError returns the answer to a call the store failed with err: Request timeout
// (-32001) or Request canceled (-32002) when the call's context ended first (the database
// did not answer in time; drivers report that with errors of their own, such as SQLite's
// "interrupted", so the context decides), else Server error (-32000) with the details in the
// log only. Either is an *openrpc.Error, which keeps its code also where the framework turns
// other errors into Permission error (the authorizer's dependency, get_user).
func (s *Service) storeError(ctx context.Context, method string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		code := openrpc.CodeOf(cerr)
		s.logger.WarnContext(ctx, "the store did not answer before the call's end", "method", method, "err", err)
		return openrpc.NewError(code, code.String(), nil)
	}
	s.logger.ErrorContext(ctx, "store failed", "method", method, "err", err)
	return errStore
}
