package rpcnats

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"
	"github.com/nats-io/nuid"
)

// microState answers the NATS micro service protocol for a [Service]. The nats.go micro
// package's own service runs an endpoint's handler on the subscription's goroutine and
// times it there, so concurrent calls would all be timed as their hand-off; and its Stop
// does not say when the drain is over. So the service keeps its own statistics and answers
// the protocol's subjects itself, with the micro package's types.
type microState struct {
	identity    micro.ServiceIdentity
	description string
	started     time.Time
	docSubject  string

	mu       sync.Mutex
	rpc, doc micro.EndpointStats
}

// The endpoint names a service lists.
const (
	rpcEndpoint = "rpc"
	docEndpoint = "openrpc"
)

var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

func (ms *microState) init(s *Service, opts *ServeOptions) error {
	doc, err := s.srv.Document()
	if err != nil {
		return fmt.Errorf("rpcnats: the OpenRPC document: %w", err)
	}
	name := opts.Name
	if name == "" {
		name = strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				return r
			}
			return '-'
		}, doc.Info.Title)
	}
	if name == "" {
		name = "openrpc"
	}
	version := opts.Version
	if version == "" {
		version = doc.Info.Version
		if !semver.MatchString(version) {
			version = "0.0.0"
		}
	}
	ms.docSubject = s.subject + ".openrpc"
	meta := maps.Clone(opts.Metadata)
	if meta == nil {
		meta = map[string]string{}
	}
	meta["openrpc.subject"] = s.subject
	meta["openrpc.document"] = ms.docSubject
	ms.identity = micro.ServiceIdentity{Name: name, ID: nuid.Next(), Version: version, Metadata: meta}
	ms.description = doc.Info.Description
	ms.started = time.Now().UTC()
	ms.rpc = micro.EndpointStats{Name: rpcEndpoint, Subject: s.subject, QueueGroup: s.queue}
	ms.doc = micro.EndpointStats{Name: docEndpoint, Subject: ms.docSubject, QueueGroup: s.queue}
	return nil
}

// subscribe answers the document endpoint and the protocol's PING, INFO and STATS
// subjects: for all services, for this service's name, and for its id.
func (ms *microState) subscribe(s *Service) error {
	sub, err := s.nc.QueueSubscribe(ms.docSubject, s.queue, func(m *nats.Msg) {
		start := time.Now()
		doc, err := s.srv.DocumentJSON()
		if err != nil {
			const failure = "the OpenRPC document could not be built"
			ms.record(&ms.doc, time.Since(start), failure)
			m.RespondMsg(&nats.Msg{Header: nats.Header{micro.ErrorHeader: {failure}, micro.ErrorCodeHeader: {"500"}}})
			return
		}
		ms.record(&ms.doc, time.Since(start), "")
		if err := m.Respond(doc); err != nil {
			ms.record(&ms.doc, -1, "the reply could not be published: "+err.Error())
		}
	})
	if err != nil {
		return fmt.Errorf("rpcnats: subscribing to %q: %w", ms.docSubject, err)
	}
	s.docSub = sub
	for verb, answer := range map[micro.Verb]func() any{
		micro.PingVerb:  func() any { return micro.Ping{ServiceIdentity: ms.identity, Type: micro.PingResponseType} },
		micro.InfoVerb:  func() any { return ms.info() },
		micro.StatsVerb: func() any { return ms.stats() },
	} {
		for _, subj := range []string{"", ms.identity.Name, ms.identity.ID} {
			var subject string
			if subj == ms.identity.ID {
				subject, err = micro.ControlSubject(verb, ms.identity.Name, ms.identity.ID)
			} else {
				subject, err = micro.ControlSubject(verb, subj, "")
			}
			if err != nil {
				return fmt.Errorf("rpcnats: %w", err)
			}
			sub, err := s.nc.Subscribe(subject, func(m *nats.Msg) {
				body, _ := json.Marshal(answer())
				m.Respond(body)
			})
			if err != nil {
				return fmt.Errorf("rpcnats: subscribing to %q: %w", subject, err)
			}
			s.subs = append(s.subs, sub)
		}
	}
	return nil
}

// record counts one message answered by an endpoint; failure, when not empty, says why its
// reply was an error.
// A negative took records a failure of a message already counted.
func (ms *microState) record(e *micro.EndpointStats, took time.Duration, failure string) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if took < 0 {
		e.NumErrors++
		e.LastError = failure
		return
	}
	e.NumRequests++
	e.ProcessingTime += took
	e.AverageProcessingTime = e.ProcessingTime / time.Duration(e.NumRequests)
	if failure != "" {
		e.NumErrors++
		e.LastError = failure
	}
}

func (ms *microState) info() micro.Info {
	return micro.Info{
		ServiceIdentity: ms.identity,
		Type:            micro.InfoResponseType,
		Description:     ms.description,
		Endpoints: []micro.EndpointInfo{
			{Name: rpcEndpoint, Subject: ms.rpc.Subject, QueueGroup: ms.rpc.QueueGroup, Metadata: map[string]string{"protocol": "JSON-RPC 2.0"}},
			{Name: docEndpoint, Subject: ms.doc.Subject, QueueGroup: ms.doc.QueueGroup, Metadata: map[string]string{"content": "OpenRPC document"}},
		},
	}
}

func (ms *microState) stats() micro.Stats {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	rpc, doc := ms.rpc, ms.doc
	return micro.Stats{
		ServiceIdentity: ms.identity,
		Type:            micro.StatsResponseType,
		Started:         ms.started,
		Endpoints:       []*micro.EndpointStats{&rpc, &doc},
	}
}
