package openrpc

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// Dependency is a typed, request-scoped value computed from a call's context, like the
// Python library's Depends: the current user read from a token, a database transaction. It
// is computed lazily, at most once per call (each item of a batch is its own call), and the
// value is shared by the authorizer, middleware and the handler of that call. A provider may
// use other dependencies; a cycle among them is reported as an error, not a deadlock.
//
// Build one with [Provide] at package level or in a service constructor, and read it with
// [Dependency.Get] from any code that has the call's context.
type Dependency[T any] struct {
	name    string
	provide func(ctx context.Context) (T, error)
}

// Provide returns a dependency computed by provide. name appears in error messages.
func Provide[T any](name string, provide func(ctx context.Context) (T, error)) *Dependency[T] {
	if provide == nil {
		panic(fmt.Sprintf("openrpc: Provide %q: nil provider", name))
	}
	return &Dependency[T]{name: name, provide: provide}
}

// Name returns the dependency's name.
func (d *Dependency[T]) Name() string { return d.name }

// Get returns the dependency's value for the call ctx belongs to, computing it on first use.
// The provider's error is returned as it is, so an [*Error] keeps its code when the handler
// returns it. Outside a call (a context that does not come from a server), Get computes the
// value every time.
func (d *Dependency[T]) Get(ctx context.Context) (T, error) {
	var zero T
	chain := resolvingFrom(ctx)
	if chain.has(d) {
		return zero, &DependencyCycleError{Names: append(chain.names(), d.name)}
	}
	sc := scopeFrom(ctx)
	if sc == nil {
		return d.provide(&resolving{Context: ctx, dep: d, name: d.name, parent: chain})
	}
	e, first := sc.entry(d)
	if first {
		return d.compute(ctx, e)
	}
	e.wg.Wait()
	if e.err != nil {
		return zero, e.err
	}
	return e.value.(T), nil
}

// compute runs the provider for the call's entry e and publishes the outcome, also when the
// provider panics (the panic goes on to the framework, which answers the call).
func (d *Dependency[T]) compute(ctx context.Context, e *depEntry) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			e.err = fmt.Errorf("openrpc: dependency %q panicked: %v", d.name, r)
			e.wg.Done()
			panic(r)
		}
	}()
	v, err = d.provide(&resolving{Context: ctx, dep: d, name: d.name, parent: resolvingFrom(ctx)})
	e.value, e.err = v, err
	e.wg.Done()
	return v, err
}

// DependencyCycleError reports dependencies whose providers need each other.
type DependencyCycleError struct {
	Names []string // the cycle, its first name repeated at the end
}

func (e *DependencyCycleError) Error() string {
	return "openrpc: dependency cycle: " + strings.Join(e.Names, " -> ")
}

// callScope holds the dependencies resolved during one call. The first few live inline, so
// a call that uses one or two dependencies allocates no bookkeeping for them.
type callScope struct {
	mu     sync.Mutex
	inline [2]depEntry
	n      int
	more   []*depEntry
}

type depEntry struct {
	key   any            // the *Dependency[T]
	wg    sync.WaitGroup // done when value and err are set
	value any
	err   error
}

// entry returns the entry of key, creating it when first is true: the caller then computes
// the value and marks the entry done.
func (sc *callScope) entry(key any) (e *depEntry, first bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for i := range sc.n {
		if sc.inline[i].key == key {
			return &sc.inline[i], false
		}
	}
	for _, e := range sc.more {
		if e.key == key {
			return e, false
		}
	}
	if sc.n < len(sc.inline) {
		e = &sc.inline[sc.n]
		sc.n++
	} else {
		e = new(depEntry)
		sc.more = append(sc.more, e)
	}
	e.key = key
	e.wg.Add(1)
	return e, true
}

// callContext is the context of one call: the transport's context plus the call's
// dependency scope, in one allocation.
type callContext struct {
	context.Context
	scope callScope
}

type scopeKey struct{}

func (c *callContext) Value(key any) any {
	if key == (scopeKey{}) {
		return &c.scope
	}
	return c.Context.Value(key)
}

func newCallContext(ctx context.Context) *callContext { return &callContext{Context: ctx} }

func scopeFrom(ctx context.Context) *callScope {
	sc, _ := ctx.Value(scopeKey{}).(*callScope)
	return sc
}

// resolving is the context a provider runs with: it records the chain of dependencies
// being computed, innermost first, to report cycles.
type resolving struct {
	context.Context
	dep    any
	name   string
	parent *resolving
}

type resolvingKey struct{}

func (r *resolving) Value(key any) any {
	if key == (resolvingKey{}) {
		return r
	}
	return r.Context.Value(key)
}

func resolvingFrom(ctx context.Context) *resolving {
	r, _ := ctx.Value(resolvingKey{}).(*resolving)
	return r
}

func (r *resolving) has(dep any) bool {
	for ; r != nil; r = r.parent {
		if r.dep == dep {
			return true
		}
	}
	return false
}

func (r *resolving) names() []string {
	var out []string
	for ; r != nil; r = r.parent {
		out = append([]string{r.name}, out...)
	}
	return out
}
