package openrpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
)

var (
	addByName     = []byte(`{"jsonrpc":"2.0","method":"add","params":{"a":2,"b":3},"id":1}`)
	addByPosition = []byte(`{"jsonrpc":"2.0","method":"add","params":[2,3],"id":1}`)
)

func benchServer(b *testing.B) *openrpc.Server {
	srv := openrpc.NewServer(openrpc.Info{Title: "bench", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "add"}, add)
	return srv
}

func batchOf(n int) []byte {
	var sb strings.Builder
	sb.WriteByte('[')
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"jsonrpc":"2.0","method":"add","params":[` + strconv.Itoa(i) + `,3],"id":` + strconv.Itoa(i) + `}`)
	}
	sb.WriteByte(']')
	return []byte(sb.String())
}

// baselineAdd answers an add call the way a hand-written encoding/json handler would: decode
// the envelope and params, encode the response. It checks nothing a strict server checks.
func baselineAdd(msg []byte) []byte {
	var req struct {
		JSONRPC string          `json:"jsonrpc"`
		Method  string          `json:"method"`
		Params  json.RawMessage `json:"params"`
		ID      json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(msg, &req); err != nil {
		return nil
	}
	var p addParams
	if req.Params[0] == '[' {
		var xs [2]int
		if err := json.Unmarshal(req.Params, &xs); err != nil {
			return nil
		}
		p = addParams{A: xs[0], B: xs[1]}
	} else if err := json.Unmarshal(req.Params, &p); err != nil {
		return nil
	}
	out, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		Result  int             `json:"result"`
		ID      json.RawMessage `json:"id"`
	}{"2.0", p.A + p.B, req.ID})
	return out
}

func BenchmarkProcess(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	for _, bm := range []struct {
		name string
		msg  []byte
	}{
		{"add/by-name", addByName},
		{"add/by-position", addByPosition},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if srv.Process(ctx, bm.msg) == nil {
					b.Fatal("no reply")
				}
			}
		})
		b.Run(bm.name+"/baseline-encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if baselineAdd(bm.msg) == nil {
					b.Fatal("no reply")
				}
			}
		})
	}
	batch := batchOf(100)
	b.Run("batch-100", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if srv.Process(ctx, batch) == nil {
				b.Fatal("no reply")
			}
		}
	})
	b.Run("batch-100/sequential", func(b *testing.B) {
		seq := openrpc.NewServer(openrpc.Info{Title: "bench", Version: "1"}, &openrpc.ServerOptions{Limits: openrpc.Limits{BatchConcurrency: 1}})
		openrpc.Register(seq, openrpc.Method{Name: "add"}, add)
		b.ReportAllocs()
		for b.Loop() {
			if seq.Process(ctx, batch) == nil {
				b.Fatal("no reply")
			}
		}
	})
	b.Run("batch-100/baseline-encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var items []json.RawMessage
			if err := json.Unmarshal(batch, &items); err != nil {
				b.Fatal(err)
			}
			out := make([]json.RawMessage, len(items))
			for i, it := range items {
				out[i] = baselineAdd(it)
			}
			if _, err := json.Marshal(out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSecurity compares a public call with the same call behind a Bearer requirement:
// token parsing, a dependency resolving the user, and the scope check.
func BenchmarkSecurity(b *testing.B) {
	type principal struct{ scopes []string }
	users := map[string]*principal{"tok": {scopes: []string{"scope1"}}}
	currentUser := openrpc.Provide("user", func(ctx context.Context) (*principal, error) {
		token, err := openrpc.BearerToken(ctx)
		if err != nil {
			return nil, err
		}
		return users[token], nil
	})
	srv := openrpc.NewServer(openrpc.Info{Title: "bench", Version: "1"}, &openrpc.ServerOptions{
		SecuritySchemes: map[string]openrpc.SecurityScheme{"Bearer": openrpc.BearerAuth{}},
		Authorize: func(ctx context.Context) (openrpc.Grants, error) {
			u, err := currentUser.Get(ctx)
			if err != nil {
				return nil, err
			}
			return openrpc.Grants{"Bearer": u.scopes}, nil
		},
	})
	openrpc.Register(srv, openrpc.Method{Name: "public"}, add)
	openrpc.Register(srv, openrpc.Method{Name: "secured", Security: openrpc.Require("Bearer", "scope1")}, add)
	ctx := openrpc.WithCaller(context.Background(), &openrpc.Caller{Header: map[string][]string{"Authorization": {"Bearer tok"}}})
	for _, method := range []string{"public", "secured"} {
		msg := []byte(`{"jsonrpc":"2.0","method":"` + method + `","params":[2,3],"id":1}`)
		b.Run(method, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !bytes.Contains(srv.Process(ctx, msg), []byte(`"result":5`)) {
					b.Fatal("call failed")
				}
			}
		})
	}
}

// BenchmarkProcessReserved measures what a transport adds to a call by holding its message
// on the server's request memory (Server.Reserve and Server.Release around Process), alone
// and with every CPU calling at once on one server.
func BenchmarkProcessReserved(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	n := int64(len(addByName))
	call := func(reserve bool) {
		if reserve && !srv.Reserve(n) {
			b.Fatal("refused")
		}
		if srv.Process(ctx, addByName) == nil {
			b.Fatal("no reply")
		}
		if reserve {
			srv.Release(n)
		}
	}
	for _, reserve := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "reserved"}[reserve]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				call(reserve)
			}
		})
		b.Run("parallel/"+name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					call(reserve)
				}
			})
		})
	}
}
