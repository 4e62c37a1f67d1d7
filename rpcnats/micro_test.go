package rpcnats_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/nats-io/nats.go/micro"
	"github.com/openrpc-go/openrpc"
	"github.com/openrpc-go/openrpc/rpcnats"
)

// The service answers the micro protocol's PING, INFO and STATS as the nats.go micro
// package's client side reads them, and serves its OpenRPC document.
func TestService_micro(t *testing.T) {
	url := runNATS(t, 0)
	srv := openrpc.NewServer(openrpc.Info{Title: "Calc service", Version: "1.2.3", Description: "Adds."}, &openrpc.ServerOptions{Logger: discard})
	openrpc.Register(srv, openrpc.Method{Name: "add"}, func(ctx context.Context, xs []int) (int, error) { return xs[0] + xs[1], nil })
	subject, _ := start(t, url, srv, &rpcnats.ServeOptions{Queue: "calc", Metadata: map[string]string{"region": "eu"}})
	nc := connect(t, url)
	ctx := t.Context()
	c := rpcnats.NewClient(nc, subject, nil)
	for range 3 {
		if _, err := openrpc.Call[int](ctx, c, "add", []int{1, 2}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := openrpc.Call[int](ctx, c, "nope", nil); openrpc.CodeOf(err) != openrpc.CodeMethodNotFound {
		t.Fatalf("unknown method: %v", err)
	}

	request := func(verb micro.Verb, name, id string, v any) {
		t.Helper()
		subj, err := micro.ControlSubject(verb, name, id)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := nc.RequestWithContext(ctx, subj, nil)
		if err != nil {
			t.Fatalf("%s: %v", subj, err)
		}
		if err := json.Unmarshal(msg.Data, v); err != nil {
			t.Fatalf("%s: %v in %s", subj, err, msg.Data)
		}
	}
	var ping micro.Ping
	request(micro.PingVerb, "", "", &ping)
	if ping.Type != micro.PingResponseType || ping.Name != "Calc-service" || ping.Version != "1.2.3" || ping.ID == "" {
		t.Errorf("PING: got %+v", ping)
	}

	var info micro.Info
	request(micro.InfoVerb, "Calc-service", "", &info)
	if info.Type != micro.InfoResponseType || info.ID != ping.ID || info.Description != "Adds." {
		t.Errorf("INFO: got %+v", info)
	}
	if info.Metadata["region"] != "eu" || info.Metadata["openrpc.subject"] != subject || info.Metadata["openrpc.document"] != subject+".openrpc" {
		t.Errorf("INFO metadata: got %v", info.Metadata)
	}
	if len(info.Endpoints) != 2 || info.Endpoints[0].Name != "rpc" || info.Endpoints[0].Subject != subject || info.Endpoints[0].QueueGroup != "calc" ||
		info.Endpoints[1].Name != "openrpc" || info.Endpoints[1].Subject != subject+".openrpc" {
		t.Errorf("INFO endpoints: got %+v", info.Endpoints)
	}

	doc, err := nc.RequestWithContext(ctx, info.Metadata["openrpc.document"], nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := srv.DocumentJSON()
	if string(doc.Data) != string(want) {
		t.Errorf("document endpoint: got %s, want %s", doc.Data, want)
	}

	var stats micro.Stats
	request(micro.StatsVerb, "Calc-service", ping.ID, &stats)
	if stats.Type != micro.StatsResponseType || stats.ID != ping.ID || stats.Started.IsZero() || len(stats.Endpoints) != 2 {
		t.Fatalf("STATS: got %+v", stats)
	}
	rpc, docStats := stats.Endpoints[0], stats.Endpoints[1]
	if rpc.Name != "rpc" || rpc.NumRequests != 4 || rpc.NumErrors != 1 || rpc.LastError != "-32601 Method not found" ||
		rpc.ProcessingTime <= 0 || rpc.AverageProcessingTime != rpc.ProcessingTime/4 {
		t.Errorf("STATS of rpc: got %+v, want 4 requests and 1 error", rpc)
	}
	if docStats.Name != "openrpc" || docStats.NumRequests != 1 || docStats.NumErrors != 0 {
		t.Errorf("STATS of openrpc: got %+v, want 1 request", docStats)
	}
}
