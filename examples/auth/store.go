package main

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Store keeps accounts and the service's secret key. Two implementations exist: SQLite
// (openSQLite, the default) and PostgreSQL (openPostgres), which is how several instances
// share their users. Every method is safe for concurrent use, also by several processes on
// one database.
type Store interface {
	// CreateUser adds an account. It fails with errUsernameTaken when the name exists, also
	// when several calls race for one name: exactly one of them wins, and an existing
	// account is never changed.
	CreateUser(ctx context.Context, username string, passwordHash []byte) (Account, error)
	// PutUser creates the account or, when it exists, replaces its password hash; either way
	// it then holds scopes too. It is for accounts the operator configures (AUTH_ADMIN),
	// never for sign-ups.
	PutUser(ctx context.Context, username string, passwordHash []byte, scopes []string) (Account, error)
	// UserByName and UserByID return an account, or errNoSuchUser.
	UserByName(ctx context.Context, username string) (Account, error)
	UserByID(ctx context.Context, id int64) (Account, error)
	// GrantScopes adds scopes to an account (those it holds already are kept) and returns
	// the account as it is then, or errNoSuchUser.
	GrantScopes(ctx context.Context, username string, scopes []string) (Account, error)
	// SetPasswordHash replaces the password hash of the account with id, when its hash is
	// still old (the account's password did not change meanwhile).
	SetPasswordHash(ctx context.Context, id int64, old, hash []byte) error
	// DeleteUser removes an account and its scopes, or fails with errNoSuchUser. Account ids
	// are never reused, so tokens of a deleted account never work for a later one of the
	// same name.
	DeleteUser(ctx context.Context, username string) error
	// SecretKey returns the key kept in the store. When there is none, it stores the
	// result of generate and returns it with created true; when several processes race,
	// they all end up with the first key stored.
	SecretKey(ctx context.Context, generate func() ([]byte, error)) (key []byte, created bool, err error)
	// HashCosts returns the bcrypt costs of the stored password hashes, each once.
	HashCosts(ctx context.Context) ([]int, error)
	// Ping checks that the database answers, for the health check.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// Account is a stored user. PasswordHash never leaves the service: [User] is what clients see.
type Account struct {
	ID           int64
	Username     string
	PasswordHash []byte
	Scopes       []string // sorted, never nil
}

var (
	errUsernameTaken = errors.New("username is taken")
	errNoSuchUser    = errors.New("no such user")
)

// openStore opens the store db names: a postgres:// (or postgresql://) URL, or else the
// path of a SQLite file, created when missing. Both apply their schema migrations.
func openStore(ctx context.Context, db string) (Store, error) {
	var (
		st  Store
		err error
	)
	if isPostgresURL(db) {
		st, err = openPostgres(ctx, db)
	} else {
		st, err = openSQLite(ctx, db)
	}
	if err != nil {
		return nil, err // not a Store holding a nil pointer
	}
	return st, nil
}

func isPostgresURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// hashCosts reads the bcrypt costs of rows holding the 2 bytes of a hash's cost
// ("$2a$10$..." holds "10" at offset 4), each once.
func hashCosts(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}) ([]int, error) {
	var costs []int
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		if c, err := strconv.Atoi(string(b)); err == nil && !slices.Contains(costs, c) {
			costs = append(costs, c)
		}
	}
	slices.Sort(costs)
	return costs, rows.Err()
}

// migration is one step of a store's schema. Pending steps run in order, in one
// transaction, when the store opens, and each is recorded in the schema_migrations table.
// Never edit a step that has shipped: add one.
type migration struct {
	version int
	sql     string
}
