package openrpc

import (
	"fmt"
	"slices"
	"sync"
)

// Router collects methods to be included in a [Server] (or another Router) under a name
// prefix and with extra tags, so that a package can offer its methods without knowing the
// server. The zero value is ready to use.
type Router struct {
	mu      sync.Mutex
	methods []*method
}

// NewRouter returns an empty router.
func NewRouter() *Router { return new(Router) }

func (r *Router) addMethod(m *method) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if slices.ContainsFunc(r.methods, func(o *method) bool { return o.Name == m.Name }) {
		panic(fmt.Sprintf("openrpc: Register %q: a method with this name is already registered", m.Name))
	}
	r.methods = append(r.methods, m)
}

// Remove removes the method called name and reports whether there was one.
func (r *Router) Remove(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.methods)
	r.methods = slices.DeleteFunc(r.methods, func(m *method) bool { return m.Name == name })
	return len(r.methods) < n
}

// IncludeOptions says how a router's methods are included. The zero value includes them as
// they are.
type IncludeOptions struct {
	// Prefix is put before every method name, e.g. "math." for "math.add".
	Prefix string
	// Tags are added to every method's tags.
	Tags []Tag
}

// Include registers a copy of every method of sub in r, with opts applied. Methods added to
// sub later are not included. Include panics when a resulting name is taken or reserved.
func (r *Router) Include(sub *Router, opts *IncludeOptions) {
	includeInto(r, sub, opts)
}

// includeInto adds copies of sub's methods to dst.
func includeInto(dst Registrar, sub *Router, opts *IncludeOptions) {
	sub.mu.Lock()
	methods := slices.Clone(sub.methods)
	sub.mu.Unlock()
	for _, m := range methods {
		c := *m
		if opts != nil {
			c.Name = opts.Prefix + m.Name
			if len(opts.Tags) > 0 {
				c.Tags = append(slices.Clip(m.Tags), opts.Tags...)
			}
		}
		checkName(c.Name)
		dst.addMethod(&c)
	}
}
