package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// stores are the Store implementations every store test runs against.
var stores = []struct {
	name string
	open func(t *testing.T) Store
}{
	{"sqlite", func(t *testing.T) Store { return openTestStore(t, sqlitePath(t)) }},
	{"postgres", func(t *testing.T) Store { return openTestStore(t, postgresURL(t)) }},
}

func openTestStore(t *testing.T, db string) Store {
	t.Helper()
	st, err := openStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func forEachStore(t *testing.T, test func(t *testing.T, open func(t *testing.T) Store)) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			test(t, s.open)
		})
	}
}

func TestStore_users(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func(t *testing.T) Store) {
		ctx := context.Background()
		st := open(t)
		a, err := st.CreateUser(ctx, "alice", []byte("hash-a"))
		if err != nil {
			t.Fatal(err)
		}
		if a.ID <= 0 || a.Username != "alice" || len(a.Scopes) != 0 || a.Scopes == nil {
			t.Errorf("CreateUser: got %+v, want a new account without scopes", a)
		}
		for _, get := range []func() (Account, error){
			func() (Account, error) { return st.UserByName(ctx, "alice") },
			func() (Account, error) { return st.UserByID(ctx, a.ID) },
		} {
			got, err := get()
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != a.ID || got.Username != "alice" || string(got.PasswordHash) != "hash-a" || got.Scopes == nil {
				t.Errorf("got %+v, want alice with hash-a", got)
			}
		}
		if _, err := st.CreateUser(ctx, "alice", []byte("hash-b")); !errors.Is(err, errUsernameTaken) {
			t.Errorf("CreateUser of a taken name: got %v, want errUsernameTaken", err)
		}
		if got, _ := st.UserByName(ctx, "alice"); string(got.PasswordHash) != "hash-a" {
			t.Errorf("after a second sign-up: hash %q, want hash-a unchanged", got.PasswordHash)
		}
		if _, err := st.UserByName(ctx, "bob"); !errors.Is(err, errNoSuchUser) {
			t.Errorf("UserByName of an unknown name: got %v, want errNoSuchUser", err)
		}
		if _, err := st.UserByID(ctx, a.ID+1000); !errors.Is(err, errNoSuchUser) {
			t.Errorf("UserByID of an unknown id: got %v, want errNoSuchUser", err)
		}

		got, err := st.GrantScopes(ctx, "alice", []string{"scope2", "scope1"})
		if err != nil {
			t.Fatal(err)
		}
		got, err = st.GrantScopes(ctx, "alice", []string{"scope1", "admin"})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"admin", "scope1", "scope2"}; !slices.Equal(got.Scopes, want) {
			t.Errorf("scopes after two grants: got %q, want %q", got.Scopes, want)
		}
		if again, _ := st.UserByID(ctx, a.ID); !slices.Equal(again.Scopes, got.Scopes) {
			t.Errorf("UserByID scopes: got %q, want %q", again.Scopes, got.Scopes)
		}
		if _, err := st.GrantScopes(ctx, "bob", []string{"scope1"}); !errors.Is(err, errNoSuchUser) {
			t.Errorf("GrantScopes to an unknown name: got %v, want errNoSuchUser", err)
		}

		// Deleting drops the scopes with the account; the name may be signed up again, under
		// a new id, so tokens naming the old id never reach the new account.
		if err := st.DeleteUser(ctx, "alice"); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteUser(ctx, "alice"); !errors.Is(err, errNoSuchUser) {
			t.Errorf("second DeleteUser: got %v, want errNoSuchUser", err)
		}
		if _, err := st.UserByID(ctx, a.ID); !errors.Is(err, errNoSuchUser) {
			t.Errorf("UserByID after DeleteUser: got %v, want errNoSuchUser", err)
		}
		again, err := st.CreateUser(ctx, "alice", []byte("hash-c"))
		if err != nil {
			t.Fatal(err)
		}
		if again.ID == a.ID || len(again.Scopes) != 0 {
			t.Errorf("signed up again: got id %d scopes %q, want a new id (not %d) and no scopes", again.ID, again.Scopes, a.ID)
		}
	})
}

func TestStore_putUser(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func(t *testing.T) Store) {
		ctx := context.Background()
		st := open(t)
		a, err := st.PutUser(ctx, "root", []byte("h1"), []string{"admin"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.GrantScopes(ctx, "root", []string{"scope1"}); err != nil {
			t.Fatal(err)
		}
		b, err := st.PutUser(ctx, "root", []byte("h2"), []string{"admin"})
		if err != nil {
			t.Fatal(err)
		}
		if b.ID != a.ID || string(b.PasswordHash) != "h2" || !slices.Equal(b.Scopes, []string{"admin", "scope1"}) {
			t.Errorf("second PutUser: got %+v, want id %d, hash h2, scopes admin and scope1", b, a.ID)
		}
	})
}

// Names the service's schema refuses are still stored and found verbatim: the store never
// builds SQL from them.
func TestStore_hostileNames(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func(t *testing.T) Store) {
		ctx := context.Background()
		st := open(t)
		names := []string{
			`o'brien`,
			`x'; DROP TABLE users; --`,
			`" OR "1"="1`,
			`admin' --`,
			`\'; SELECT pg_sleep(10); --`,
			`%`, `_`, `*`,
			"ｂｏｂ",       // fullwidth
			"bоb",       // Cyrillic о
			"bob\u200b", // zero-width space
			"\u202ebob", // right-to-left override
			"😀🔥",        // astral plane
			"e\u0301",   // e + combining acute
			"\u00e9",    // é precomposed: a different name
			"tab\tnewline\n",
		}
		for i, name := range names {
			hash := []byte(fmt.Sprintf("hash-%d", i))
			if _, err := st.CreateUser(ctx, name, hash); err != nil {
				t.Fatalf("CreateUser(%q): %v", name, err)
			}
			if _, err := st.GrantScopes(ctx, name, []string{name}); err != nil {
				t.Fatalf("GrantScopes(%q): %v", name, err)
			}
		}
		for i, name := range names {
			a, err := st.UserByName(ctx, name)
			if err != nil {
				t.Fatalf("UserByName(%q): %v", name, err)
			}
			if a.Username != name || !bytes.Equal(a.PasswordHash, fmt.Appendf(nil, "hash-%d", i)) || !slices.Equal(a.Scopes, []string{name}) {
				t.Errorf("UserByName(%q): got %+v", name, a)
			}
		}
		// Patterns are not patterns: '%' did not match everyone, and the tables are all there.
		if _, err := st.UserByName(ctx, "o'brie%"); !errors.Is(err, errNoSuchUser) {
			t.Errorf("a LIKE pattern found a user: %v", err)
		}
		if _, err := st.CreateUser(ctx, "after", []byte("h")); err != nil {
			t.Errorf("the users table is gone: %v", err)
		}
	})
}

// TestStore_concurrentSignUps: 50 sign-ups of one name at once, exactly one wins, and its
// password hash is the one stored.
func TestStore_concurrentSignUps(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func(t *testing.T) Store) {
		ctx := context.Background()
		st := open(t)
		const n = 50
		var wg sync.WaitGroup
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				_, errs[i] = st.CreateUser(ctx, "same", fmt.Appendf(nil, "hash-%d", i))
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				if winner >= 0 {
					t.Errorf("sign-ups %d and %d both succeeded", winner, i)
				}
				winner = i
			case !errors.Is(err, errUsernameTaken):
				t.Errorf("sign-up %d: got %v, want errUsernameTaken", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("no sign-up succeeded")
		}
		a, err := st.UserByName(ctx, "same")
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("hash-%d", winner); string(a.PasswordHash) != want {
			t.Errorf("stored hash %q, want the winner's %q", a.PasswordHash, want)
		}
	})
}

func TestStore_secretKey(t *testing.T) {
	forEachStore(t, func(t *testing.T, open func(t *testing.T) Store) {
		ctx := context.Background()
		st := open(t)
		calls := 0
		gen := func() ([]byte, error) { calls++; return generateKey() }
		k1, created, err := st.SecretKey(ctx, gen)
		if err != nil || !created || len(k1) != minKeyBytes {
			t.Fatalf("first SecretKey: got %x %v %v, want a new %d-byte key", k1, created, err, minKeyBytes)
		}
		k2, created, err := st.SecretKey(ctx, gen)
		if err != nil || created || !bytes.Equal(k1, k2) || calls != 1 {
			t.Fatalf("second SecretKey: got %x %v %v (%d generations), want the first key", k2, created, err, calls)
		}
		if _, _, err := st.SecretKey(ctx, func() ([]byte, error) { return nil, errors.New("must not be called") }); err != nil {
			t.Fatal(err)
		}
	})
}

// Reopening a database keeps its data and does not migrate it again.
func TestStore_reopen(t *testing.T) {
	for _, tt := range databases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := tt.db(t)
			st, err := openStore(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateUser(ctx, "alice", []byte("h")); err != nil {
				t.Fatal(err)
			}
			st.Close()
			st = openTestStore(t, db)
			if _, err := st.UserByName(ctx, "alice"); err != nil {
				t.Fatalf("after reopening: %v", err)
			}
		})
	}
}

// Instances starting at once on one PostgreSQL database migrate it once, without errors.
func TestStore_postgresConcurrentMigrations(t *testing.T) {
	db := postgresURL(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			st, err := openStore(context.Background(), db)
			if err == nil {
				st.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
}

// A database migrated by a newer version of the program is refused, not written to.
func TestStore_newerSchema(t *testing.T) {
	for _, tt := range databases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := tt.db(t)
			st, err := openStore(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			switch s := st.(type) {
			case *sqliteStore:
				_, err = s.write.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (1000)`)
			case *postgresStore:
				_, err = s.pool.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES (1000)`)
			}
			st.Close()
			if err != nil {
				t.Fatal(err)
			}
			if st, err := openStore(ctx, db); err == nil || !strings.Contains(err.Error(), "newer than this program") {
				if st != nil {
					st.Close()
				}
				t.Errorf("opening a database of schema version 1000: got %v, want an error", err)
			}
		})
	}
}
