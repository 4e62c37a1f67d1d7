package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/openrpc-go/openrpc"
)

// blockStore holds a lock on the database at db until the test ends or the returned func
// runs: on PostgreSQL an ACCESS EXCLUSIVE lock on users, which blocks every query of the
// service; on SQLite the write lock, which blocks every write (WAL lets reads go on).
func blockStore(t *testing.T, db string) (release func()) {
	t.Helper()
	ctx := context.Background()
	if isPostgresURL(db) {
		conn, err := pgx.Connect(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `LOCK TABLE users IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
		release = func() { tx.Rollback(ctx); conn.Close(ctx) }
	} else {
		h, err := sql.Open("sqlite", db)
		if err != nil {
			t.Fatal(err)
		}
		h.SetMaxOpenConns(1)
		tx, err := h.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		// A write takes the lock and keeps it until the transaction ends.
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ('lock', x'00')`); err != nil {
			t.Fatal(err)
		}
		release = func() { tx.Rollback(); h.Close() }
	}
	t.Cleanup(release)
	return release
}

// TestStore_blockedIsATimeout: with a database that stops answering (a lock held by another
// connection), calls end at the call deadline with -32001 Request timeout (regressions: when
// the get_user dependency loaded the account they ended with -32000 Server error, as if the
// database had failed; on SQLite a write waited out the whole 10 s busy timeout, past the
// deadline). After the lock goes, the service works again.
func TestStore_blockedIsATimeout(t *testing.T) {
	for _, tt := range databases {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.db(t)
			s := startServer(t, map[string]string{"AUTH_ADMIN": "root:root-password"}, "-db", db, "-call-timeout", "300ms")
			signUp(t, s.url, "alice", "alice password")
			token := signIn(t, s.url, "alice", "alice password")
			admin := signIn(t, s.url, "root", "root-password")

			blocked := []struct {
				method, authorization string
				params                any
			}{
				{"sign_up", "", Credentials{Username: "bob", Password: "bob password"}},
				{"grant_scopes", bearer(admin), GrantScopesParams{Username: "alice", Scopes: []string{"scope1"}}},
			}
			if isPostgresURL(db) { // PostgreSQL blocks reads too
				blocked = append(blocked, []struct {
					method, authorization string
					params                any
				}{
					{"sign_in", "", Credentials{Username: "alice", Password: "alice password"}},
					{"get_caller", bearer(token), nil},
					{"require_scopes", bearer(token), nil},
				}...)
			}
			release := blockStore(t, db)
			for _, c := range blocked {
				start := time.Now()
				wantError(t, call(t, s.url, c.authorization, c.method, c.params), openrpc.CodeTimeout, "")
				// The deadline is 300 ms; SQLite's busy timeout, 10 s. Half of that tells
				// them apart on the slowest machine.
				if d := time.Since(start); d > sqliteLockWait/2 {
					t.Errorf("%s: answered after %v, want about the call timeout (300ms)", c.method, d)
				}
			}
			release()
			for _, c := range blocked {
				// The deadline is still 300 ms, which a loaded machine can miss while
				// the pool replaces the connections the blocked calls gave up; a
				// recovered service answers within a few tries. A sign_up that timed
				// out at the moment it committed is followed by "taken".
				timedOut := false
				r := call(t, s.url, c.authorization, c.method, c.params)
				for try := 1; try < 20 && r.Error != nil && r.Error.Code == openrpc.CodeTimeout; try++ {
					timedOut = true
					r = call(t, s.url, c.authorization, c.method, c.params)
				}
				if c.method == "sign_up" && timedOut && r.Error != nil && r.Error.Code == codeUsernameTaken {
					continue
				}
				if c.method != "require_scopes" && r.Error != nil {
					t.Errorf("%s after the lock went: %v", c.method, r.Error)
				}
			}
		})
	}
}

// TestSignIn_failuresTakeTheSameTimeAcrossCosts: after -bcrypt-cost changed, a wrong
// password for an account whose hash is at the old cost takes as long as an unknown user,
// so failed sign-ins do not tell which names exist (regression: with the cost raised from
// 10 to 11, an unknown user took 166 ms and a known one 83 ms until it signed in again).
// The database holds hashes at the old costs, as a former run left them; the service
// restarts with another cost. Medians of 31 interleaved tries of each kind must be within
// a ratio of 1.5; a one-step cost difference alone is a ratio of 2, and these are two. The
// store is SQLite: TestStore_hashCosts checks PostgreSQL reads the costs alike.
func TestSignIn_failuresTakeTheSameTimeAcrossCosts(t *testing.T) {
	for _, tt := range []struct {
		name   string
		stored []int // the costs of the accounts' hashes
		cost   int   // -bcrypt-cost now
	}{
		{"cost raised", []int{4}, 6},
		// Hashes below and above the cost: raised and lowered at once.
		{"several costs", []int{4, 6}, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			url := sqlitePath(t)
			st := openTestStore(t, url)
			for _, c := range tt.stored {
				hash, err := bcrypt.GenerateFromPassword([]byte("the right password"), c)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := st.CreateUser(ctx, fmt.Sprintf("cost%d", c), hash); err != nil {
					t.Fatal(err)
				}
			}
			st.Close()
			svc, _ := newServiceOn(t, url, tt.cost, 1)
			if err := svc.loadHashCosts(ctx); err != nil {
				t.Fatal(err)
			}

			kinds := []string{"nobody"} // an unknown user
			for _, c := range tt.stored {
				kinds = append(kinds, fmt.Sprintf("cost%d", c))
			}
			const tries = 31
			times := make([][]time.Duration, len(kinds))
			for range tries {
				for i, username := range kinds {
					start := time.Now()
					_, err := svc.SignIn(ctx, Credentials{Username: username, Password: "a wrong password"})
					times[i] = append(times[i], time.Since(start))
					if !errors.Is(err, errBadCredentialsRPC) {
						t.Fatalf("sign_in %s: got %v, want %v", username, err, errBadCredentialsRPC)
					}
				}
			}
			medians := make([]time.Duration, len(kinds))
			for i := range kinds {
				slices.Sort(times[i])
				medians[i] = times[i][tries/2]
			}
			lo, hi := slices.Min(medians), slices.Max(medians)
			t.Logf("medians of %v: %v", kinds, medians)
			if float64(hi)/float64(lo) > 1.5 {
				t.Errorf("failed sign-ins take %v (medians of %v, hashes at costs %v, -bcrypt-cost %d): want them within a ratio of 1.5",
					medians, kinds, tt.stored, tt.cost)
			}
		})
	}
}

// TestStore_hashCosts: the stores read the costs of their hashes, each once, sorted.
func TestStore_hashCosts(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func(t *testing.T) Store) {
		ctx := context.Background()
		st := open(t)
		if costs, err := st.HashCosts(ctx); err != nil || len(costs) != 0 {
			t.Fatalf("empty store: got %v, %v; want no costs", costs, err)
		}
		for i, c := range []int{6, 4, 6, 7} {
			hash, err := bcrypt.GenerateFromPassword([]byte("a password"), c)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateUser(ctx, fmt.Sprintf("user%d", i), hash); err != nil {
				t.Fatal(err)
			}
		}
		if costs, err := st.HashCosts(ctx); err != nil || !slices.Equal(costs, []int{4, 6, 7}) {
			t.Errorf("got %v, %v; want [4 6 7]", costs, err)
		}
	})
}

// TestRun_clickableURL: the start-up log gives URLs a person can open, also when the server
// listens on every address (regression: it printed http://[::]:8080/api/v1).
func TestRun_clickableURL(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t), "-addr", ":0")
	if !regexp.MustCompile(`url=http://localhost:\d+/api/v1 docs=http://localhost:\d+/ `).MatchString(s.logs.String()) {
		t.Errorf("start-up log without URLs on localhost:\n%s", s.logs)
	}
}

// Issue 10: browser pages on other origins cannot call the service (a foreign page created
// accounts before); -allow-origin lets one origin in, with CORS.
func TestRun_allowOrigin(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t), "-allow-origin", "https://app.example")
	for _, tt := range []struct {
		origin     string
		wantStatus int
		wantACAO   string
	}{
		{"https://evil.example", http.StatusForbidden, ""},
		{"https://app.example", http.StatusOK, "https://app.example"},
	} {
		body := `{"jsonrpc":"2.0","method":"sign_up","params":{"username":"mallory","password":"correct horse battery"},"id":1}`
		req, err := http.NewRequest(http.MethodPost, s.url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded") // a form a page can post without preflight
		req.Header.Set("Origin", tt.origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus || resp.Header.Get("Access-Control-Allow-Origin") != tt.wantACAO {
			t.Errorf("page on %s: got %d with Access-Control-Allow-Origin %q, want %d with %q",
				tt.origin, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), tt.wantStatus, tt.wantACAO)
		}
	}
	// Only the allowed page's sign-up ran: the name is taken once, by it.
	if r := call(t, s.url, "", "sign_up", map[string]string{"username": "mallory", "password": "correct horse battery"}); r.Error == nil || r.Error.Code != 1001 {
		t.Errorf("sign-up after the allowed page's: got %+v, want 1001 (taken)", r.Error)
	}
}

// On loopback the API answers requests naming an address or localhost, and the names
// -allow-host lists (a local proxy that keeps the Host); a page of a web site whose name
// resolves to 127.0.0.1 (DNS rebinding) is refused before the call runs.
func TestRun_allowHost(t *testing.T) {
	s := startServer(t, nil, "-db", sqlitePath(t), "-allow-host", "app.internal")
	for _, tt := range []struct {
		host       string
		wantStatus int
	}{
		{"evil.example", http.StatusForbidden},
		{"app.internal", http.StatusOK},
		{"localhost", http.StatusOK},
	} {
		user := strings.ReplaceAll(tt.host, ".", "-")
		body := `{"jsonrpc":"2.0","method":"sign_up","params":{"username":"` + user + `","password":"correct horse battery"},"id":1}`
		req, err := http.NewRequest(http.MethodPost, s.url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Host = tt.host + ":" + req.URL.Port()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		reply, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("Host %s: got %d %s, want %d", req.Host, resp.StatusCode, reply, tt.wantStatus)
		}
	}
	// The refused sign-up did not run; the allowed ones did.
	for user, want := range map[string]bool{"evil-example": false, "app-internal": true, "localhost": true} {
		if r := call(t, s.url, "", "sign_in", map[string]string{"username": user, "password": "correct horse battery"}); (r.Error == nil) != want {
			t.Errorf("sign_in %s: got error %v, want an account: %v", user, r.Error, want)
		}
	}
}

func TestRun_allowHostMalformed(t *testing.T) {
	err := run(t.Context(), []string{"-db", sqlitePath(t), "-addr", "127.0.0.1:0", "-allow-host", "http://app.internal/"},
		func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "-allow-host") || !strings.Contains(err.Error(), "app.internal") {
		t.Errorf("got %v, want an error naming -allow-host and suggesting app.internal", err)
	}
}

func TestRun_allowOriginMalformed(t *testing.T) {
	err := run(t.Context(), []string{"-db", sqlitePath(t), "-addr", "127.0.0.1:0", "-allow-origin", "https://app.example/path"},
		func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "-allow-origin") {
		t.Errorf("got %v, want an error naming -allow-origin", err)
	}
}
