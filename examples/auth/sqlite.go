package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"modernc.org/sqlite" // the pure-Go "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteStore is a [Store] in a SQLite file, through modernc.org/sqlite (pure Go, no cgo).
//
// The file is in WAL mode with synchronous=FULL, so a write that was acknowledged survives a
// crash of the process or of the machine. Writes go through one connection, so they queue
// in Go rather than spin on SQLite's lock; reads use a pool of read-only connections, which
// WAL lets run beside the writer.
type sqliteStore struct {
	write *sql.DB // one connection; transactions begin IMMEDIATE
	read  *sql.DB // read-only connections
}

var _ Store = (*sqliteStore)(nil)

// sqlitePragmas are set on every connection. The busy timeouts cover other processes using
// the same file (a second instance, the sqlite3 shell): readers wait up to sqliteLockWait in
// SQLite's busy handler (WAL readers wait only in rare recoveries), the writer in turns of
// sqliteWriteTurn (see writeLocked). journal_mode is persistent: the writer sets it when it
// opens the file.
var sqlitePragmas = []string{"foreign_keys(1)", "synchronous(FULL)"}

const (
	// sqliteLockWait is the longest a statement waits for a lock another process holds.
	sqliteLockWait = 10 * time.Second
	// sqliteWriteTurn is how long the writer waits for the write lock in SQLite's busy
	// handler before it checks its context. SQLite's busy handler cannot be interrupted:
	// a longer turn would keep a call waiting past its deadline.
	sqliteWriteTurn = 50 * time.Millisecond
)

// openSQLite opens (creating when needed) the SQLite database at path and migrates it.
func openSQLite(ctx context.Context, path string) (*sqliteStore, error) {
	if path == "" || path == ":memory:" || strings.Contains(path, "?") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: bad database path %q: want a file name without '?'", path)
	}
	// The file holds password hashes and, unless AUTH_SECRET_KEY is set, the key that signs
	// tokens: create it readable by its owner only (SQLite gives -wal and -shm the same mode).
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err == nil {
		f.Close()
	}
	dsn := func(extra ...string) string {
		q := url.Values{}
		for _, p := range append(slices.Clone(sqlitePragmas), extra...) {
			q.Add("_pragma", p)
		}
		return path + "?" + q.Encode() // the driver cuts the query off a plain path
	}
	write, err := sql.Open("sqlite", dsn("journal_mode(WAL)", fmt.Sprintf("busy_timeout(%d)", sqliteWriteTurn.Milliseconds()))+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", dsn("query_only(1)", fmt.Sprintf("busy_timeout(%d)", sqliteLockWait.Milliseconds())))
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(4, runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	s := &sqliteStore{write: write, read: read}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	return s, nil
}

var sqliteMigrations = []migration{
	{1, `
CREATE TABLE users (
	id            INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids are never reused
	username      TEXT NOT NULL UNIQUE,
	password_hash BLOB NOT NULL,
	created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE user_scopes (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	scope   TEXT NOT NULL,
	PRIMARY KEY (user_id, scope)
) WITHOUT ROWID;
CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
);`},
}

func (s *sqliteStore) migrate(ctx context.Context) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)`); err != nil {
		return err
	}
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return err
	}
	if last := sqliteMigrations[len(sqliteMigrations)-1].version; current > last {
		return fmt.Errorf("the database schema is at version %d, newer than this program's %d", current, last)
	}
	for _, m := range sqliteMigrations {
		if m.version <= current {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %d: %w", m.version, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, m.version); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s *sqliteStore) CreateUser(ctx context.Context, username string, hash []byte) (Account, error) {
	var id int64
	err := writeLocked(ctx, func() error {
		return s.write.QueryRowContext(ctx,
			`INSERT INTO users (username, password_hash) VALUES (?, ?) ON CONFLICT (username) DO NOTHING RETURNING id`,
			username, hash).Scan(&id)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, errUsernameTaken
	}
	if err != nil {
		return Account{}, err
	}
	return Account{ID: id, Username: username, PasswordHash: hash, Scopes: []string{}}, nil
}

func (s *sqliteStore) PutUser(ctx context.Context, username string, hash []byte, scopes []string) (Account, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return Account{}, err
	}
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRowContext(ctx,
		`INSERT INTO users (username, password_hash) VALUES (?, ?)
		ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash RETURNING id`,
		username, hash).Scan(&id); err != nil {
		return Account{}, err
	}
	return s.addScopesAndCommit(ctx, tx, id, scopes)
}

func (s *sqliteStore) GrantScopes(ctx context.Context, username string, scopes []string) (Account, error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return Account{}, err
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM users WHERE username = ?`, username).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, errNoSuchUser
	}
	if err != nil {
		return Account{}, err
	}
	return s.addScopesAndCommit(ctx, tx, id, scopes)
}

func (s *sqliteStore) addScopesAndCommit(ctx context.Context, tx *sql.Tx, id int64, scopes []string) (Account, error) {
	for _, sc := range scopes {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO user_scopes (user_id, scope) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, sc); err != nil {
			return Account{}, err
		}
	}
	a, err := scanSQLiteAccount(tx.QueryRowContext(ctx, sqliteAccountQuery+`WHERE id = ?`, id))
	if err != nil {
		return Account{}, err
	}
	return a, tx.Commit()
}

// sqliteAccountQuery selects an account with its scopes as a JSON array, sorted.
const sqliteAccountQuery = `SELECT id, username, password_hash,
	(SELECT json_group_array(scope) FROM (SELECT scope FROM user_scopes WHERE user_id = users.id ORDER BY scope))
FROM users `

func scanSQLiteAccount(row *sql.Row) (Account, error) {
	var a Account
	var scopes string
	err := row.Scan(&a.ID, &a.Username, &a.PasswordHash, &scopes)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, errNoSuchUser
	}
	if err != nil {
		return Account{}, err
	}
	if err := json.Unmarshal([]byte(scopes), &a.Scopes); err != nil {
		return Account{}, fmt.Errorf("scopes of user %d: %w", a.ID, err)
	}
	return a, nil
}

func (s *sqliteStore) UserByName(ctx context.Context, username string) (Account, error) {
	return scanSQLiteAccount(s.read.QueryRowContext(ctx, sqliteAccountQuery+`WHERE username = ?`, username))
}

func (s *sqliteStore) UserByID(ctx context.Context, id int64) (Account, error) {
	return scanSQLiteAccount(s.read.QueryRowContext(ctx, sqliteAccountQuery+`WHERE id = ?`, id))
}

func (s *sqliteStore) SetPasswordHash(ctx context.Context, id int64, old, hash []byte) error {
	_, err := s.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`, hash, id, old)
	return err
}

func (s *sqliteStore) DeleteUser(ctx context.Context, username string) error {
	res, err := s.exec(ctx, `DELETE FROM users WHERE username = ?`, username)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errNoSuchUser
	}
	return nil
}

const secretKeyName = "jwt_secret_key"

func (s *sqliteStore) SecretKey(ctx context.Context, generate func() ([]byte, error)) ([]byte, bool, error) {
	var key []byte
	err := s.write.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, secretKeyName).Scan(&key)
	if err == nil {
		return key, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, err
	}
	key, err = generate()
	if err != nil {
		return nil, false, err
	}
	res, err := s.exec(ctx,
		`INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, secretKeyName, key)
	if err != nil {
		return nil, false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, false, err
	}
	if n == 1 {
		return key, true, nil
	}
	// Another process stored one first.
	err = s.write.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, secretKeyName).Scan(&key)
	return key, false, err
}

// begin starts a write transaction, which takes the write lock at once (BEGIN IMMEDIATE).
func (s *sqliteStore) begin(ctx context.Context) (*sql.Tx, error) {
	var tx *sql.Tx
	err := writeLocked(ctx, func() (err error) {
		tx, err = s.write.BeginTx(ctx, nil)
		return err
	})
	return tx, err
}

// exec runs a write statement outside a transaction.
func (s *sqliteStore) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := writeLocked(ctx, func() (err error) {
		res, err = s.write.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// writeLocked runs write, a statement or the start of a transaction on the writer, again
// while it fails because another process holds the write lock (SQLITE_BUSY: nothing was
// written), for up to sqliteLockWait. Each try waits up to sqliteWriteTurn in SQLite's busy
// handler. Once ctx has ended, a failure is returned wrapping ctx's error, so that callers
// tell a deadline from a failing database.
func writeLocked(ctx context.Context, write func() error) error {
	deadline := time.Now().Add(sqliteLockWait)
	for {
		err := write()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		var se *sqlite.Error
		if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
	}
}

func (s *sqliteStore) HashCosts(ctx context.Context) ([]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT DISTINCT substr(password_hash, 5, 2) FROM users`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return hashCosts(rows)
}

func (s *sqliteStore) Ping(ctx context.Context) error {
	var one int
	return s.read.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

func (s *sqliteStore) Close() error {
	return errors.Join(s.read.Close(), s.write.Close())
}
