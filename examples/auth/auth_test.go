package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/openrpctest"
	"github.com/openrpc-go/openrpc/rpchttp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// client calls the service over one transport, with one Authorization header.
type client interface {
	call(t testing.TB, method string, params any) reply
}

// httpClient POSTs every call.
type httpClient struct{ url, authorization string }

func (c httpClient) call(t testing.TB, method string, params any) reply {
	t.Helper()
	return call(t, c.url, c.authorization, method, params)
}

// wsClient calls over one WebSocket, whose handshake carried the Authorization header.
type wsClient struct{ c *openrpc.Client }

func (c wsClient) call(t testing.TB, method string, params any) reply {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var raw json.RawMessage
	err := c.c.Call(ctx, method, params, &raw)
	var rpcErr *openrpc.Error
	switch {
	case errors.As(err, &rpcErr):
		return reply{Error: rpcErr}
	case err != nil:
		t.Fatalf("%s over WebSocket: %v", method, err)
	}
	return reply{Result: raw}
}

// transports open a client of the server at s, sending authorization ("" for none).
var transports = []struct {
	name string
	dial func(t testing.TB, s *testServer, authorization string) client
}{
	{"http", func(t testing.TB, s *testServer, authorization string) client {
		return httpClient{url: s.url, authorization: authorization}
	}},
	{"websocket", func(t testing.TB, s *testServer, authorization string) client {
		t.Helper()
		opts := &rpchttp.ClientOptions{Header: http.Header{}}
		if authorization != "" {
			opts.Header.Set("Authorization", authorization)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := rpchttp.DialWebSocket(ctx, "ws://"+s.addr+"/api/v1", opts)
		if err != nil {
			t.Fatalf("dialing the WebSocket: %v", err)
		}
		t.Cleanup(func() { c.Close() })
		return wsClient{c}
	}},
}

// TestWalkthrough is the README's walkthrough, over HTTP and over WebSocket: sign up, sign
// in, get_caller, require_scopes refused, grant scope1 as the administrator, require_scopes
// allowed with the same token.
func TestWalkthrough(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, map[string]string{"AUTH_ADMIN": "root:root password"}, "-db", sqlitePath(t))
			anon := tr.dial(t, s, "")

			r := anon.call(t, "sign_up", Credentials{Username: "alice", Password: "correct horse battery"})
			if r.Error != nil || string(r.Result) != "null" {
				t.Fatalf("sign_up: got %s %v, want null", r.Result, r.Error)
			}
			r = anon.call(t, "sign_in", map[string]string{"username": "alice", "password": "correct horse battery"})
			if r.Error != nil {
				t.Fatalf("sign_in: %v", r.Error)
			}
			var tok Token
			if err := json.Unmarshal(r.Result, &tok); err != nil || tok.TokenType != "bearer" || strings.Count(tok.AccessToken, ".") != 2 {
				t.Fatalf("sign_in: got %s, want {access_token: a JWT, token_type: bearer}", r.Result)
			}
			alice := tr.dial(t, s, bearer(tok.AccessToken))

			r = alice.call(t, "get_caller", nil)
			if want := `{"username":"alice","security_schemes":{"Bearer":[]}}`; r.Error != nil || string(r.Result) != want {
				t.Fatalf("get_caller: got %s %v, want %s", r.Result, r.Error, want)
			}
			wantError(t, alice.call(t, "require_scopes", nil), openrpc.CodePermissionError,
				`{"reason":"insufficient_scope","missing":{"Bearer":["scope1"]}}`)
			wantError(t, alice.call(t, "grant_scopes", GrantScopesParams{Username: "alice", Scopes: []string{"scope1"}}),
				openrpc.CodePermissionError, `{"reason":"insufficient_scope","missing":{"Bearer":["admin"]}}`)

			root := tr.dial(t, s, bearer(signIn(t, s.url, "root", "root password")))
			r = root.call(t, "grant_scopes", GrantScopesParams{Username: "alice", Scopes: []string{"scope1"}})
			if want := `{"username":"alice","security_schemes":{"Bearer":["scope1"]}}`; r.Error != nil || string(r.Result) != want {
				t.Fatalf("grant_scopes: got %s %v, want %s", r.Result, r.Error, want)
			}

			// The same token: scopes are read on every call.
			if r = alice.call(t, "require_scopes", nil); r.Error != nil || string(r.Result) != "true" {
				t.Fatalf("require_scopes after the grant: got %s %v, want true", r.Result, r.Error)
			}
			if r = alice.call(t, "get_caller", nil); !strings.Contains(string(r.Result), `"Bearer":["scope1"]`) {
				t.Fatalf("get_caller after the grant: got %s %v", r.Result, r.Error)
			}
			if r = root.call(t, "get_caller", nil); string(r.Result) != `{"username":"root","security_schemes":{"Bearer":["admin"]}}` {
				t.Fatalf("get_caller of the administrator: got %s %v", r.Result, r.Error)
			}
			wantError(t, root.call(t, "grant_scopes", GrantScopesParams{Username: "nobody", Scopes: []string{"scope1"}}),
				codeNoSuchUser, "")
		})
	}
}

// token is a JWT built by hand, for attacks.
func forge(t testing.TB, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// hs256 signs header.payload with key by hand, whatever the header says.
func hs256(header, payload string, key []byte) string {
	signing := b64(header) + "." + b64(payload)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// TestAttacks: every forged, tampered, expired or misplaced credential is refused with
// Permission error, reason "unauthenticated", and no detail, over HTTP and WebSocket.
func TestAttacks(t *testing.T) {
	key, keyHex := testKey(t)
	otherKey, _ := testKey(t)
	db := sqlitePath(t)
	s := startServer(t, map[string]string{"AUTH_SECRET_KEY": keyHex}, "-db", db)
	signUp(t, s.url, "alice", "alice password")
	good := signIn(t, s.url, "alice", "alice password")
	var c jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(good, &c); err != nil {
		t.Fatal(err)
	}
	aliceID := c.Subject

	// A user who is deleted after signing in, and a new user who then takes the name.
	signUp(t, s.url, "carol", "carol password")
	carol := signIn(t, s.url, "carol", "carol password")
	st, err := openSQLite(context.Background(), db) // a second process on the file, as an operator would be
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteUser(context.Background(), "carol"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	signUp(t, s.url, "carol", "new carol password")

	now := time.Now()
	claims := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": tokenIssuer, "sub": aliceID, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		if edit != nil {
			edit(c)
		}
		return c
	}
	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	sig := []byte(parts[2])
	sig[10] ^= 1 // still base64url, no longer the signature
	tamperedPayload := strings.Replace(string(payload), `"sub":"`+aliceID+`"`, `"sub":"`+aliceID+`0"`, 1)
	if tamperedPayload == string(payload) {
		t.Fatalf("no subject to tamper with in %s", payload)
	}

	for _, tt := range []struct {
		name, authorization string
	}{
		{"missing header", ""},
		{"basic scheme", "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:alice password"))},
		{"no scheme", good},
		{"scheme without token", "Bearer"},
		{"scheme and spaces", "Bearer    "},
		{"two tokens", "Bearer " + good + " " + good},
		{"other scheme word", "Token " + good},
		{"garbage", "Bearer not-a-jwt"},
		{"two parts", "Bearer " + parts[0] + "." + parts[1]},
		{"tampered signature", "Bearer " + parts[0] + "." + parts[1] + "." + string(sig)},
		{"signature removed", "Bearer " + parts[0] + "." + parts[1] + "."},
		{"tampered payload", "Bearer " + parts[0] + "." + b64(tamperedPayload) + "." + parts[2]},
		{"alg none", bearer(forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)))},
		{"alg none by hand", "Bearer " + b64(`{"alg":"none","typ":"JWT"}`) + "." + b64(string(payload)) + "."},
		{"alg HS512 with the service key", bearer(forge(t, jwt.SigningMethodHS512, key, claims(nil)))},
		{"alg RS256 header, HMAC with the service key", bearer(hs256(`{"alg":"RS256","typ":"JWT"}`, string(payload), key))},
		{"signed with another key", bearer(forge(t, jwt.SigningMethodHS256, otherKey, claims(nil)))},
		{"expired", bearer(forge(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) {
			c["iat"], c["nbf"], c["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
		})))},
		{"not yet valid", bearer(forge(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) {
			c["nbf"] = now.Add(time.Hour).Unix()
			c["exp"] = now.Add(90 * time.Minute).Unix()
		})))},
		{"issued in the future", bearer(forge(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) {
			c["iat"] = now.Add(30 * time.Minute).Unix()
		})))},
		{"no exp", bearer(forge(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { delete(c, "exp") })))},
		{"no nbf", bearer(forge(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { delete(c, "nbf") })))},
		{"no iat", bearer(forge(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { delete(c, "iat") })))},
		{"lifetime over the service's", bearer(forge(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) {
			c["exp"] = now.Add(30 * 24 * time.Hour).Unix()
		})))},
		{"other issuer", bearer(forge(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["iss"] = "someone else" })))},
		{"unknown user", bearer(forge(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["sub"] = "999999" })))},
		{"subject is a name", bearer(forge(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["sub"] = "alice" })))},
		{"subject is not a number", bearer(forge(t, jwt.SigningMethodHS256, key, claims(func(c jwt.MapClaims) { c["sub"] = "1 OR 1=1" })))},
		{"deleted user (name signed up again since)", bearer(carol)},
	} {
		for _, tr := range transports {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				c := tr.dial(t, s, tt.authorization)
				for _, method := range []string{"get_caller", "require_scopes", "grant_scopes"} {
					var params any
					if method == "grant_scopes" {
						params = GrantScopesParams{Username: "alice", Scopes: []string{"admin"}}
					}
					r := c.call(t, method, params)
					wantError(t, r, openrpc.CodePermissionError, unauthenticated)
				}
			})
		}
	}
	// The genuine token still works, and no attack granted anything.
	r := call(t, s.url, bearer(good), "get_caller", nil)
	if want := `{"username":"alice","security_schemes":{"Bearer":[]}}`; string(r.Result) != want {
		t.Errorf("get_caller with the genuine token: got %s %v, want %s", r.Result, r.Error, want)
	}
	// Lower-case "bearer" is the same scheme (RFC 9110: schemes are case-insensitive).
	if r := call(t, s.url, "bearer "+good, "get_caller", nil); r.Error != nil {
		t.Errorf("lower-case bearer: %v", r.Error)
	}
}

// TestSignUp_usernames: hostile and malformed names are refused by the params schema
// (Invalid params pointing at /username) before any handler runs.
func TestSignUp_usernames(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t))
	for _, tt := range []struct {
		name, username string
		ok             bool
	}{
		{"plain", "alice", true},
		{"shortest", "abc", true},
		{"longest", strings.Repeat("a", 64), true},
		{"punctuation", "a.b_c-d9", true},
		{"digits first", "007", true},
		{"too short", "ab", false},
		{"too long", strings.Repeat("a", 65), false},
		{"empty", "", false},
		{"upper case", "Alice", false},
		{"quote", "o'brien", false},
		{"SQL", "x'; DROP TABLE users; --", false},
		{"SQL or", `" OR "1"="1`, false},
		{"LIKE wildcard", "ali%", false},
		{"space", "alice smith", false},
		{"leading dot", ".alice", false},
		{"leading dash", "-alice", false},
		{"fullwidth letters", "ａｌｉｃｅ", false},
		{"Cyrillic look-alike", "аlice", false},
		{"zero-width space", "alice\u200b", false},
		{"right-to-left override", "\u202ealice", false},
		{"combining accent", "alice\u0301", false},
		{"emoji", "😀😀😀", false},
		{"NUL", "alice\x00", false},
		{"newline", "alice\n", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, s.url, "", "sign_up", Credentials{Username: tt.username, Password: "a fine password"})
			if tt.ok {
				if r.Error != nil {
					t.Fatalf("sign_up %q: %v", tt.username, r.Error)
				}
				signIn(t, s.url, tt.username, "a fine password")
				return
			}
			wantError(t, r, openrpc.CodeInvalidParams, "")
			var data openrpc.InvalidParamsData
			if err := json.Unmarshal(r.Error.Data, &data); err != nil || len(data.Errors) == 0 || data.Errors[0].Path != "/username" {
				t.Errorf("sign_up %q: got data %s, want an error at /username", tt.username, r.Error.Data)
			}
			// sign_in refuses it the same way: no account can have that name.
			wantError(t, call(t, s.url, "", "sign_in", Credentials{Username: tt.username, Password: "a fine password"}), openrpc.CodeInvalidParams, "")
		})
	}
}

// TestPasswords: passwords of 8 characters to 72 bytes are taken; longer ones are refused
// with Invalid params, by sign_up and sign_in alike, never truncated to bcrypt's 72 bytes.
func TestPasswords(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t))
	for i, tt := range []struct {
		name, password string
		ok             bool
		message        string // part of the error message for /password
	}{
		{"8 ASCII characters", "12345678", true, ""},
		{"72 ASCII bytes", strings.Repeat("p", 72), true, ""},
		{"36 two-byte characters (72 bytes)", strings.Repeat("é", 36), true, ""},
		{"18 four-byte characters (72 bytes)", strings.Repeat("😀", 18), true, ""},
		{"7 characters", "1234567", false, ""},
		{"8 characters of 4 bytes: many bytes, few characters", strings.Repeat("😀", 7), false, ""},
		{"73 ASCII bytes", strings.Repeat("p", 73), false, ""},
		{"37 two-byte characters (74 bytes)", strings.Repeat("é", 37), false, "74 bytes"},
		{"19 four-byte characters (76 bytes)", strings.Repeat("😀", 19), false, "76 bytes"},
		{"72 characters of 3 bytes", strings.Repeat("€", 72), false, "216 bytes"},
		{"1 MB", strings.Repeat("p", 1<<20), false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			username := fmt.Sprintf("user%d", i)
			r := call(t, s.url, "", "sign_up", Credentials{Username: username, Password: tt.password})
			if tt.ok {
				if r.Error != nil {
					t.Fatalf("sign_up: %v", r.Error)
				}
				signIn(t, s.url, username, tt.password)
				return
			}
			for _, r := range []reply{r, call(t, s.url, "", "sign_in", Credentials{Username: username, Password: tt.password})} {
				wantError(t, r, openrpc.CodeInvalidParams, "")
				var data openrpc.InvalidParamsData
				if err := json.Unmarshal(r.Error.Data, &data); err != nil || len(data.Errors) != 1 || data.Errors[0].Path != "/password" ||
					!strings.Contains(data.Errors[0].Message, tt.message) {
					t.Errorf("got data %s, want one error at /password saying %q", r.Error.Data, tt.message)
				}
			}
		})
	}

	// A 72-byte password does not let in a longer one sharing its first 72 bytes, which
	// bcrypt alone would accept.
	long := strings.Repeat("p", 72)
	wantError(t, call(t, s.url, "", "sign_in", Credentials{Username: "user1", Password: long + "x"}), openrpc.CodeInvalidParams, "")
	wantError(t, call(t, s.url, "", "sign_in", Credentials{Username: "user1", Password: long[:71]}), codeBadCredentials, "")
}

// TestSignIn_failuresLookTheSame: an unknown user and a wrong password get byte-identical
// responses.
func TestSignIn_failuresLookTheSame(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t))
	signUp(t, s.url, "alice", "alice password")
	wrong, status1 := post(t, s.url, "", "sign_in", Credentials{Username: "alice", Password: "wrong password"})
	unknown, status2 := post(t, s.url, "", "sign_in", Credentials{Username: "nobody", Password: "wrong password"})
	want := `{"jsonrpc":"2.0","error":{"code":1002,"message":"Invalid username or password"},"id":1}`
	if string(wrong) != want || string(unknown) != want || status1 != status2 {
		t.Errorf("wrong password: %d %s\nunknown user: %d %s\nwant both %s", status1, wrong, status2, unknown, want)
	}
}

// TestSignIn_unknownUserCostsABcrypt: signing in as an unknown user waits for a bcrypt slot
// like a wrong password does, because both compare against a hash. With every slot taken,
// both wait until their deadline instead of answering at once.
func TestSignIn_unknownUserCostsABcrypt(t *testing.T) {
	svc, _ := newTestService(t, 1)
	ctx := context.Background()
	if _, err := svc.SignUp(ctx, Credentials{Username: "alice", Password: "alice password"}); err != nil {
		t.Fatal(err)
	}
	svc.bcrypt.acquire(ctx) // take the only slot
	for _, username := range []string{"alice", "nobody"} {
		ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		_, err := svc.SignIn(ctx, Credentials{Username: username, Password: "wrong password"})
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("sign_in %q with the bcrypt slots taken: got %v, want to wait for a slot", username, err)
		}
	}
	svc.bcrypt.release()
	for _, username := range []string{"alice", "nobody"} {
		_, err := svc.SignIn(ctx, Credentials{Username: username, Password: "wrong password"})
		if !errors.Is(err, errBadCredentialsRPC) {
			t.Errorf("sign_in %q: got %v, want %v", username, err, errBadCredentialsRPC)
		}
	}
}

// newTestService returns the service on a fresh SQLite file with a bcrypt semaphore of the
// given size, and its store.
func newTestService(t testing.TB, slots int) (*Service, Store) {
	t.Helper()
	cost, _ := strconv.Atoi(testCost)
	return newServiceOn(t, sqlitePath(t), cost, slots)
}

// newServiceOn returns the service on the database db (see openStore).
func newServiceOn(t testing.TB, db string, cost, slots int) (*Service, Store) {
	t.Helper()
	st, err := openStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key, _ := testKey(t)
	tok, err := newTokens(key, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := newService(st, tok, cost, slots, discardLogger)
	if err != nil {
		t.Fatal(err)
	}
	return svc, st
}

// serveService serves svc over loopback HTTP and returns the endpoint.
func serveService(t testing.TB, svc *Service, st Store) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ln, err := listenLoopback()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	mux, err := newMux(svc.newServer(false), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() { done <- rpchttp.Serve(ctx, ln, mux, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return "http://" + ln.Addr().String() + "/api/v1"
}

// TestBcryptBound: while sign-ins wait for bcrypt, get_caller is answered: it needs no
// bcrypt slot.
func TestBcryptBound(t *testing.T) {
	svc, st := newTestService(t, 1)
	url := serveService(t, svc, st)
	signUp(t, url, "alice", "alice password")
	token := signIn(t, url, "alice", "alice password")

	svc.bcrypt.acquire(context.Background()) // take the only slot: every sign-in waits
	var wg sync.WaitGroup
	signedIn := make(chan reply, 8)
	for range cap(signedIn) {
		wg.Go(func() {
			signedIn <- call(t, url, "", "sign_in", Credentials{Username: "alice", Password: "alice password"})
		})
	}
	for range 20 {
		if r := call(t, url, bearer(token), "get_caller", nil); r.Error != nil {
			t.Fatalf("get_caller while sign-ins wait: %v", r.Error)
		}
	}
	select {
	case r := <-signedIn:
		t.Fatalf("a sign-in finished without a bcrypt slot: %s %v", r.Result, r.Error)
	default:
	}
	svc.bcrypt.release()
	wg.Wait()
	close(signedIn)
	for r := range signedIn {
		if r.Error != nil {
			t.Errorf("sign_in: %v", r.Error)
		}
	}
}

// TestGetUser_onceAndFromTheStore: the get_user dependency loads the account once per call,
// shared by the authorizer and the handler; a failing store is a server error, not a
// reason to sign in again.
func TestGetUser_onceAndFromTheStore(t *testing.T) {
	svc, st := newTestService(t, 0)
	counting := &countingStore{Store: st}
	svc.store = counting
	url := serveService(t, svc, st)
	signUp(t, url, "alice", "alice password")
	token := signIn(t, url, "alice", "alice password")
	for _, method := range []string{"get_caller", "require_scopes"} {
		before := counting.byID()
		call(t, url, bearer(token), method, nil)
		if n := counting.byID() - before; n != 1 {
			t.Errorf("%s: %d account loads, want 1", method, n)
		}
	}
	st.Close()
	wantError(t, call(t, url, bearer(token), "get_caller", nil), openrpc.CodeServerError, "")
	wantError(t, call(t, url, "", "sign_in", Credentials{Username: "alice", Password: "alice password"}), openrpc.CodeServerError, "")
}

type countingStore struct {
	Store
	mu sync.Mutex
	n  int
}

func (c *countingStore) UserByID(ctx context.Context, id int64) (Account, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.Store.UserByID(ctx, id)
}

func (c *countingStore) byID() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// TestSignUp_concurrent: 50 simultaneous sign-ups of one name over HTTP, on SQLite and on
// PostgreSQL: exactly one succeeds, the others are told the name is taken, and the password
// that works is the winner's.
func TestSignUp_concurrent(t *testing.T) {
	for _, tt := range databases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, nil, "-db", tt.db(t))
			const n = 50
			replies := make([]reply, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					replies[i] = call(t, s.url, "", "sign_up", Credentials{Username: "same", Password: fmt.Sprintf("password %d", i)})
				})
			}
			close(start)
			wg.Wait()
			winner := -1
			for i, r := range replies {
				switch {
				case r.Error == nil:
					if winner >= 0 {
						t.Errorf("sign-ups %d and %d both succeeded", winner, i)
					}
					winner = i
				case r.Error.Code != codeUsernameTaken:
					t.Errorf("sign-up %d: got %v, want code %d", i, r.Error, codeUsernameTaken)
				}
			}
			if winner < 0 {
				t.Fatal("no sign-up succeeded")
			}
			signIn(t, s.url, "same", fmt.Sprintf("password %d", winner))
			loser := (winner + 1) % n
			wantError(t, call(t, s.url, "", "sign_in", Credentials{Username: "same", Password: fmt.Sprintf("password %d", loser)}), codeBadCredentials, "")
		})
	}
}

// TestSignUp_neverOverwrites: a second sign-up of a name fails and leaves the first
// password in place.
func TestSignUp_neverOverwrites(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t))
	signUp(t, s.url, "alice", "first password")
	wantError(t, call(t, s.url, "", "sign_up", Credentials{Username: "alice", Password: "second password"}), codeUsernameTaken, "")
	signIn(t, s.url, "alice", "first password")
	wantError(t, call(t, s.url, "", "sign_in", Credentials{Username: "alice", Password: "second password"}), codeBadCredentials, "")
}

// TestSecretKey: without AUTH_SECRET_KEY, a key is generated once and kept in the store, so
// tokens survive a restart; AUTH_SECRET_KEY replaces it; bad keys stop the start.
func TestSecretKey(t *testing.T) {
	db := sqlitePath(t)
	s := startServer(t, nil, "-db", db)
	if n := s.logs.count("generated a random secret key and kept it in the store"); n != 1 {
		t.Errorf("first start: %d log lines about generating the key, want 1:\n%s", n, s.logs)
	}
	signUp(t, s.url, "alice", "alice password")
	token := signIn(t, s.url, "alice", "alice password")
	s.stop()

	s = startServer(t, nil, "-db", db)
	if s.logs.count("generated") != 0 || s.logs.count("signing tokens with the secret key kept in the store") != 1 {
		t.Errorf("restart: want the kept key used, not a new one:\n%s", s.logs)
	}
	if r := call(t, s.url, bearer(token), "get_caller", nil); r.Error != nil {
		t.Errorf("the token after a restart: %v", r.Error)
	}
	s.stop()

	_, keyHex := testKey(t)
	s = startServer(t, map[string]string{"AUTH_SECRET_KEY": keyHex}, "-db", db)
	if s.logs.count("signing tokens with the key of AUTH_SECRET_KEY") != 1 {
		t.Errorf("with AUTH_SECRET_KEY: no log line saying so:\n%s", s.logs)
	}
	wantError(t, call(t, s.url, bearer(token), "get_caller", nil), openrpc.CodePermissionError, unauthenticated)
	s.stop()

	for _, bad := range []string{"not hex", "abcd", strings.Repeat("ab", minKeyBytes-1)} {
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-db", db}, func(k string) string {
			return map[string]string{"AUTH_SECRET_KEY": bad}[k]
		}, io.Discard, nil)
		if err == nil || !strings.Contains(err.Error(), "AUTH_SECRET_KEY") {
			t.Errorf("AUTH_SECRET_KEY=%q: got %v, want an error about it", bad, err)
		}
	}
}

// TestAdmin: AUTH_ADMIN creates the administrator, and on a later start sets its password;
// the administrator keeps scopes granted meanwhile. Bad values stop the start.
func TestAdmin(t *testing.T) {
	db := sqlitePath(t)
	s := startServer(t, map[string]string{"AUTH_ADMIN": "root:first password"}, "-db", db)
	token := signIn(t, s.url, "root", "first password")
	r := call(t, s.url, bearer(token), "grant_scopes", GrantScopesParams{Username: "root", Scopes: []string{"scope1", "scope1"}})
	if want := `{"username":"root","security_schemes":{"Bearer":["admin","scope1"]}}`; string(r.Result) != want {
		t.Fatalf("grant_scopes: got %s %v, want %s", r.Result, r.Error, want)
	}
	s.stop()

	s = startServer(t, map[string]string{"AUTH_ADMIN": "root:second password"}, "-db", db)
	wantError(t, call(t, s.url, "", "sign_in", Credentials{Username: "root", Password: "first password"}), codeBadCredentials, "")
	token = signIn(t, s.url, "root", "second password")
	if r := call(t, s.url, bearer(token), "get_caller", nil); !strings.Contains(string(r.Result), `["admin","scope1"]`) {
		t.Errorf("get_caller of the administrator: got %s %v", r.Result, r.Error)
	}
	s.stop()

	for _, bad := range []string{"root", "root:short", "Root:a fine password", "ro:a fine password", "root:" + strings.Repeat("p", 73)} {
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-db", db, "-bcrypt-cost", testCost}, func(k string) string {
			return map[string]string{"AUTH_ADMIN": bad}[k]
		}, io.Discard, nil)
		if err == nil || !strings.Contains(err.Error(), "AUTH_ADMIN") {
			t.Errorf("AUTH_ADMIN=%q: got %v, want an error about it", bad, err)
		}
	}
}

// TestFlags: bad flags stop the start with an error, before a database file is made.
func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-bcrypt-cost", "3"},
		{"-bcrypt-cost", "32"},
		{"-bcrypt-slots", "0"},
		{"-token-ttl", "0s"},
		{"-token-ttl", "-1h"},
		{"-call-timeout", "0s"},
		{"-db", "file:auth.db?mode=memory"},
		{"-db", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"},
		{"-nope"},
		{"extra"},
	} {
		db := sqlitePath(t)
		err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0", "-db", db}, args...),
			func(string) string { return "" }, io.Discard, nil)
		if err == nil {
			t.Errorf("run %q: got no error", args)
		}
		if _, err := os.Stat(db); args[0] != "-db" && err == nil {
			t.Errorf("run %q made the database file", args)
		}
	}
}

// TestEndpoints: the health check, the documentation page and the document.
func TestEndpoints(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t))
	base := "http://" + s.addr
	for _, tt := range []struct {
		path, contentType, body string
		status                  int
	}{
		{"/healthz", "text/plain; charset=utf-8", "ok\n", 200},
		{"/", "text/html; charset=utf-8", `data-document-url="/openrpc.json"`, 200},
		{"/openrpc.json", "application/json", `"name":"grant_scopes"`, 200},
		{"/nope", "", "", 404},
	} {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := http.Get(base + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || (tt.contentType != "" && resp.Header.Get("Content-Type") != tt.contentType) ||
				!bytes.Contains(body, []byte(tt.body)) {
				t.Errorf("GET %s: got %d %q %.200s, want %d %q containing %q", tt.path, resp.StatusCode,
					resp.Header.Get("Content-Type"), body, tt.status, tt.contentType, tt.body)
			}
		})
	}
}

// TestDocument pins the service's OpenRPC document; examples/metaschema checks the golden
// file against the OpenRPC meta-schema.
func TestDocument(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t))
	r := call(t, s.url, "", "rpc.discover", nil)
	if r.Error != nil {
		t.Fatal(r.Error)
	}
	openrpctest.CheckGolden(t, "testdata/auth.openrpc.golden", r.Result, *update)
}

// The usernames the schema tags accept are the ones usernameRE (AUTH_ADMIN) accepts.
func TestUsernameTagsMatchPattern(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[Credentials](), reflect.TypeFor[GrantScopesParams]()} {
		f, _ := typ.FieldByName("Username")
		if got := f.Tag.Get("pattern"); got != usernamePattern {
			t.Errorf("%s.Username pattern %q, want %q", typ.Name(), got, usernamePattern)
		}
		if f.Tag.Get("minLength") != "3" || f.Tag.Get("maxLength") != "64" {
			t.Errorf("%s.Username: want 3 to 64 characters", typ.Name())
		}
	}
}

// Regression (security review): AUTH_ADMIN naming an existing ordinary account promoted it,
// and with it every token that account already held.
func TestAdmin_refusesToPromoteAnExistingAccount(t *testing.T) {
	db := sqlitePath(t)
	s := startServer(t, nil, "-db", db)
	signUp(t, s.url, "root", "mallory password")
	token := signIn(t, s.url, "root", "mallory password")
	s.stop()
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-db", db, "-bcrypt-cost", testCost}, func(k string) string {
		return map[string]string{"AUTH_ADMIN": "root:operator password"}[k]
	}, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "refusing to promote it") {
		t.Fatalf("got %v, want the start refused", err)
	}
	s = startServer(t, nil, "-db", db)
	if r := call(t, s.url, bearer(token), "get_caller", nil); !strings.Contains(string(r.Result), `"Bearer":[]`) {
		t.Errorf("the old token's account: got %s %v, want no scopes", r.Result, r.Error)
	}
}

// Regression (security review): passwords that bcrypt or the JSON decoder would make equal
// to others (NUL bytes, lone surrogates) are refused.
func TestSignUp_refusesAmbiguousPasswords(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t))
	for _, pw := range []string{"hunter22\x00hunter22", "\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd" /* what lone surrogates decode to */, "tab\tinside pw"} {
		r := call(t, s.url, "", "sign_up", Credentials{Username: "gina", Password: pw})
		wantError(t, r, openrpc.CodeInvalidParams, "")
	}
}

// Regression (security review): one batch could carry a thousand password guesses.
func TestSignIn_batchesAreSmall(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t))
	var items []string
	for i := range 11 {
		items = append(items, fmt.Sprintf(`{"jsonrpc":"2.0","method":"sign_in","params":{"username":"alice","password":"guess %02d pw"},"id":%d}`, i, i))
	}
	resp, err := http.Post(s.url, "application/json", strings.NewReader("["+strings.Join(items, ",")+"]"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"batch has more than 10 items"`) {
		t.Errorf("got %s, want the batch refused", body)
	}
}

// Regression (security review): the database (which may hold the signing key) was created
// readable by every local user; ":memory:" started a server whose every call failed.
func TestSQLite_fileModeAndMemory(t *testing.T) {
	path := sqlitePath(t)
	st, err := openSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", p, fi.Mode().Perm())
		}
	}
	if _, err := openSQLite(context.Background(), ":memory:"); err == nil {
		t.Error(`":memory:" was accepted`)
	}
}

// Regression (security review): a password passed as a URL parameter reached the log.
func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:secret@h/db":              "postgres://u:xxxxx@h/db",
		"postgres://u@h/db?password=secret&x=1": "postgres://u@h/db?password=xxxxx&x=1",
		"auth.db":                               "auth.db",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// Regression (security review): after a -bcrypt-cost change, old hashes kept their cost, so a
// wrong password (old cost) and an unknown user (dummy at the new cost) took different times.
// A sign-in now re-hashes at the current cost.
func TestSignIn_rehashesAtTheCurrentCost(t *testing.T) {
	db := sqlitePath(t)
	s := startServer(t, nil, "-db", db, "-bcrypt-cost", "4")
	signUp(t, s.url, "alice", "correct horse battery")
	s.stop()
	s = startServer(t, nil, "-db", db, "-bcrypt-cost", "5")
	signIn(t, s.url, "alice", "correct horse battery")
	s.stop()
	st, err := openSQLite(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := st.UserByName(context.Background(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost(a.PasswordHash); err != nil || cost != 5 {
		t.Errorf("hash cost after sign-in: %d, %v; want 5", cost, err)
	}
}
