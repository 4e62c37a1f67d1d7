package main

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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
				if r := call(t, s.url, c.authorization, c.method, c.params); c.method != "require_scopes" && r.Error != nil {
					t.Errorf("%s after the lock went: %v", c.method, r.Error)
				}
			}
		})
	}
}
