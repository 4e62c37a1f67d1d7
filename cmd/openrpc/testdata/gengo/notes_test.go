package notes_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpchttp"

	"gentest/notes"
)

// show prints a pointer: its value, or nil.
func show(p *string) string {
	if p == nil {
		return "nil"
	}
	return *p
}

func ptr(s string) *string { return &s }

// check makes calls with the generated client, which sends nil as null, and without it,
// leaving out the required members: the server must take null and refuse absence.
func check(t *testing.T, rpc *openrpc.Client) {
	t.Helper()
	c := notes.NewClient(rpc)
	for _, tt := range []struct {
		name string
		call func(context.Context) (notes.NotesResult, error)
		want string
	}{
		{"null", func(ctx context.Context) (notes.NotesResult, error) {
			return c.Notes(ctx, notes.NotesParams{ID: 1})
		}, "nil nil"},
		{"values", func(ctx context.Context) (notes.NotesResult, error) {
			return c.Notes(ctx, notes.NotesParams{ID: 1, Note: ptr("n"), Entry: notes.NotesEntry{Title: ptr("t")}})
		}, "n t"},
		{"by position, null", func(ctx context.Context) (notes.NotesResult, error) {
			return c.NotesByPosition(ctx, notes.NotesByPositionParams{ID: 1})
		}, "nil nil"},
		{"by position, values", func(ctx context.Context) (notes.NotesResult, error) {
			return c.NotesByPosition(ctx, notes.NotesByPositionParams{ID: 1, Note: ptr("n"), Entry: notes.NotesEntry{Title: ptr("t")}, Limit: openrpc.Some(int32(3))})
		}, "n t"},
	} {
		r, err := tt.call(context.Background())
		if got := show(r.Note) + " " + show(r.Title); err != nil || got != tt.want {
			t.Errorf("%s: got %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
	for _, tt := range []struct {
		method string
		params any
		want   string
	}{
		{"notes", map[string]any{"id": 1, "entry": map[string]any{"title": nil}}, `{"path":"/note","message":"required param is missing"}`},
		{"notes", map[string]any{"id": 1, "note": nil, "entry": map[string]any{}}, `{"path":"/entry/title","message":"required property is missing"}`},
		{"notes_by_position", []any{1}, `{"path":"/note","message":"required param is missing"}`},
	} {
		var e *openrpc.Error
		if err := rpc.Call(context.Background(), tt.method, tt.params, nil); !errors.As(err, &e) || e.Code != openrpc.CodeInvalidParams || !strings.Contains(string(e.Data), tt.want) {
			t.Errorf("%s %v: %v, want invalid params with %s", tt.method, tt.params, err, tt.want)
		}
	}
}

// TestClient calls the server the package was generated from.
func TestClient(t *testing.T) {
	url := os.Getenv("NOTES_URL")
	if url == "" {
		t.Fatal("NOTES_URL is not set")
	}
	check(t, rpchttp.NewClient(url, nil))
}

// service implements the generated Service as the source server does.
type service struct{}

func (service) Notes(_ context.Context, p notes.NotesParams) (notes.NotesResult, error) {
	return notes.NotesResult{Note: p.Note, Title: p.Entry.Title}, nil
}

func (s service) NotesByPosition(ctx context.Context, p notes.NotesByPositionParams) (notes.NotesResult, error) {
	return s.Notes(ctx, notes.NotesParams(p))
}

// TestServer makes the same calls to the generated server, over HTTP, and writes its
// document to $SERVED_DOC.
func TestServer(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "notes", Version: "1"}, nil)
	notes.Register(srv, service{})
	ts := httptest.NewServer(rpchttp.NewHandler(srv, nil))
	defer ts.Close()
	check(t, rpchttp.NewClient(ts.URL, nil))
	doc, err := srv.DocumentJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("SERVED_DOC"), doc, 0o644); err != nil {
		t.Fatal(err)
	}
}
