package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// postgresStore is a [Store] in PostgreSQL, through a pgx connection pool. Several instances
// of the service on one database share users, scopes and the secret key.
type postgresStore struct {
	pool *pgxpool.Pool
}

var _ Store = (*postgresStore)(nil)

// openPostgres connects to the database of url (a postgres:// URL; pool settings such as
// pool_max_conns and runtime parameters such as search_path may be given in it) and migrates
// it.
func openPostgres(ctx context.Context, url string) (*postgresStore, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &postgresStore{pool: pool}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s@%s:%d/%s: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return s, nil
}

var postgresMigrations = []migration{
	{1, `
CREATE TABLE users (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- never reused
	username      text NOT NULL UNIQUE,
	password_hash bytea NOT NULL,
	created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE user_scopes (
	user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	scope   text NOT NULL,
	PRIMARY KEY (user_id, scope)
);
CREATE TABLE settings (
	name  text PRIMARY KEY,
	value bytea NOT NULL
);`},
}

// migrate applies the pending migrations in one transaction, holding an advisory lock so
// instances starting together migrate one after the other.
func (s *postgresStore) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx,
			`SELECT pg_advisory_xact_lock(hashtextextended('openrpc-go examples/auth migrations in ' || current_schema(), 0))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now()
)`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		if last := postgresMigrations[len(postgresMigrations)-1].version; current > last {
			return fmt.Errorf("the database schema is at version %d, newer than this program's %d", current, last)
		}
		for _, m := range postgresMigrations {
			if m.version <= current {
				continue
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %d: %w", m.version, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, m.version); err != nil {
				return err
			}
		}
		return nil
	})
}

// CreateUser relies on the unique constraint on users.username: ON CONFLICT DO NOTHING
// makes a racing insert wait for the one ahead of it and then insert nothing.
func (s *postgresStore) CreateUser(ctx context.Context, username string, hash []byte) (Account, error) {
	var id int64
	err := s.pool.QueryRow(ctx,
		`INSERT INTO users (username, password_hash) VALUES ($1, $2) ON CONFLICT (username) DO NOTHING RETURNING id`,
		username, hash).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return Account{}, errUsernameTaken
	}
	if err != nil {
		return Account{}, err
	}
	return Account{ID: id, Username: username, PasswordHash: hash, Scopes: []string{}}, nil
}

func (s *postgresStore) PutUser(ctx context.Context, username string, hash []byte, scopes []string) (Account, error) {
	var a Account
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx,
			`INSERT INTO users (username, password_hash) VALUES ($1, $2)
			ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash RETURNING id`,
			username, hash).Scan(&id); err != nil {
			return err
		}
		var err error
		a, err = addScopes(ctx, tx, id, scopes)
		return err
	})
	return a, err
}

func (s *postgresStore) GrantScopes(ctx context.Context, username string, scopes []string) (Account, error) {
	var a Account
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		// FOR SHARE: the account cannot be deleted before the scopes are in.
		err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = $1 FOR SHARE`, username).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNoSuchUser
		}
		if err != nil {
			return err
		}
		a, err = addScopes(ctx, tx, id, scopes)
		return err
	})
	return a, err
}

func addScopes(ctx context.Context, tx pgx.Tx, id int64, scopes []string) (Account, error) {
	if _, err := tx.Exec(ctx,
		`INSERT INTO user_scopes (user_id, scope) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
		id, scopes); err != nil {
		return Account{}, err
	}
	return scanPostgresAccount(tx.QueryRow(ctx, postgresAccountQuery+`WHERE id = $1`, id))
}

// postgresAccountQuery selects an account with its scopes, sorted.
const postgresAccountQuery = `SELECT id, username, password_hash,
	array(SELECT scope FROM user_scopes WHERE user_id = users.id ORDER BY scope)
FROM users `

func scanPostgresAccount(row pgx.Row) (Account, error) {
	var a Account
	err := row.Scan(&a.ID, &a.Username, &a.PasswordHash, &a.Scopes)
	if errors.Is(err, pgx.ErrNoRows) {
		return Account{}, errNoSuchUser
	}
	if a.Scopes == nil {
		a.Scopes = []string{}
	}
	return a, err
}

func (s *postgresStore) UserByName(ctx context.Context, username string) (Account, error) {
	return scanPostgresAccount(s.pool.QueryRow(ctx, postgresAccountQuery+`WHERE username = $1`, username))
}

func (s *postgresStore) UserByID(ctx context.Context, id int64) (Account, error) {
	return scanPostgresAccount(s.pool.QueryRow(ctx, postgresAccountQuery+`WHERE id = $1`, id))
}

func (s *postgresStore) SetPasswordHash(ctx context.Context, id int64, old, hash []byte) error {
	_, err := s.pool.Exec(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3`, hash, id, old)
	return err
}

func (s *postgresStore) DeleteUser(ctx context.Context, username string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM users WHERE username = $1`, username)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return errNoSuchUser
	}
	return nil
}

func (s *postgresStore) SecretKey(ctx context.Context, generate func() ([]byte, error)) ([]byte, bool, error) {
	var key []byte
	err := s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE name = $1`, secretKeyName).Scan(&key)
	if err == nil {
		return key, false, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, false, err
	}
	if key, err = generate(); err != nil {
		return nil, false, err
	}
	tag, err := s.pool.Exec(ctx,
		`INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, secretKeyName, key)
	if err != nil {
		return nil, false, err
	}
	if tag.RowsAffected() == 1 {
		return key, true, nil
	}
	// Another instance stored one first.
	err = s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE name = $1`, secretKeyName).Scan(&key)
	return key, false, err
}

func (s *postgresStore) HashCosts(ctx context.Context) ([]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT substring(password_hash FROM 5 FOR 2) FROM users`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return hashCosts(rows)
}

func (s *postgresStore) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

func (s *postgresStore) Close() error {
	s.pool.Close()
	return nil
}
