package authclient_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"

	"gentest/authclient"
)

// TestAuth runs the client generated from examples/auth's rpc.discover against the service.
func TestAuth(t *testing.T) {
	base := os.Getenv("AUTH_URL")
	if base == "" {
		t.Fatal("AUTH_URL is not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	anon := authclient.NewClient(rpchttp.NewClient(base+"/api/v1", nil))
	alice := authclient.SignUpParams{Username: "gen-alice", Password: "correct horse battery"}
	if err := anon.SignUp(ctx, alice); err != nil {
		t.Fatalf("SignUp: %v", err)
	}
	err := anon.SignUp(ctx, alice)
	if !errors.Is(err, authclient.ErrUsernameIsTaken) {
		t.Fatalf("second SignUp: %v, want ErrUsernameIsTaken", err)
	}
	if errors.Is(err, authclient.ErrNoSuchUser) {
		t.Fatalf("second SignUp: %v matches ErrNoSuchUser", err)
	}
	var oe *openrpc.Error
	if !errors.As(err, &oe) || oe.Code != authclient.ErrUsernameIsTaken.Code {
		t.Fatalf("second SignUp: %v, want an *openrpc.Error of code %d", err, authclient.ErrUsernameIsTaken.Code)
	}
	if _, err := anon.SignIn(ctx, authclient.SignInParams{Username: "gen-alice", Password: "wrong password"}); !errors.Is(err, authclient.ErrInvalidUsernameOrPassword) {
		t.Fatalf("SignIn with a wrong password: %v", err)
	}
	tok, err := anon.SignIn(ctx, authclient.SignInParams{Username: alice.Username, Password: alice.Password})
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	if tok.TokenType != authclient.TokenTokenTypeBearer || tok.AccessToken == "" {
		t.Fatalf("SignIn = %+v", tok)
	}

	user := authclient.NewClient(rpchttp.NewClient(base+"/api/v1", &rpchttp.ClientOptions{BearerToken: tok.AccessToken}))
	me, err := user.GetCaller(ctx)
	if err != nil || me.Username != alice.Username {
		t.Fatalf("GetCaller = %+v, %v", me, err)
	}
	_, err = user.RequireScopes(ctx)
	if !errors.As(err, &oe) || oe.Code != openrpc.CodePermissionError {
		t.Fatalf("RequireScopes without scope1: %v, want an *openrpc.Error with CodePermissionError", err)
	}
	if !errors.Is(err, authclient.ErrPermissionError) {
		t.Fatalf("RequireScopes without scope1: %v does not match ErrPermissionError", err)
	}

	adminTok, err := anon.SignIn(ctx, authclient.SignInParams{Username: "root", Password: "root-password-1"})
	if err != nil {
		t.Fatalf("SignIn as root: %v", err)
	}
	ws, err := rpchttp.DialWebSocket(ctx, "ws"+strings.TrimPrefix(base, "http")+"/api/v1", &rpchttp.ClientOptions{BearerToken: adminTok.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	admin := authclient.NewClient(ws)
	sub, err := admin.WatchSignUps(ctx)
	if err != nil {
		t.Fatalf("WatchSignUps: %v", err)
	}
	if err := anon.SignUp(ctx, authclient.SignUpParams{Username: "gen-bob", Password: "correct horse battery"}); err != nil {
		t.Fatalf("SignUp bob: %v", err)
	}
	for ev, err := range sub.Events() {
		if err != nil {
			t.Fatalf("WatchSignUps event: %v", err)
		}
		if ev.Username != "gen-bob" || ev.At.IsZero() {
			t.Fatalf("WatchSignUps event = %+v", ev)
		}
		break
	}
	if err := sub.Unsubscribe(ctx); err != nil {
		t.Fatalf("Unsubscribe: %v", err)
	}

	granted, err := admin.GrantScopes(ctx, authclient.GrantScopesParams{Username: alice.Username, Scopes: []string{"scope1"}})
	if err != nil {
		t.Fatalf("GrantScopes: %v", err)
	}
	if got := granted.SecuritySchemes["Bearer"]; len(got) == 0 {
		t.Fatalf("GrantScopes = %+v", granted)
	}
	if ok, err := user.RequireScopes(ctx); err != nil || !ok {
		t.Fatalf("RequireScopes with scope1 = %v, %v", ok, err)
	}
}
