package gents

import (
	"strconv"
	"strings"
)

// words splits a name from a document into its ASCII letter and digit runs: "sign_up" and
// "sign up" give "sign", "up"; "getCaller" stays one word.
func words(name string) []string {
	return strings.FieldsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
}

// pascal returns name in PascalCase ("sign_up" → "SignUp"), or "" when it has no letter
// or digit.
func pascal(name string) string {
	var b strings.Builder
	for _, w := range words(name) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// camel returns name in camelCase: "sign_up" → "signUp", "HTTPServer" → "httpServer".
func camel(name string) string {
	p := pascal(name)
	n := 0
	for n < len(p) && p[n] >= 'A' && p[n] <= 'Z' {
		n++
	}
	switch {
	case n == 0:
		return p
	case n > 1 && n < len(p) && p[n] >= 'a' && p[n] <= 'z':
		n-- // keep the capital that starts the next word: "HTTPServer" → "httpServer"
	}
	return strings.ToLower(p[:n]) + p[n:]
}

// isIdent reports whether s is an ASCII JavaScript identifier name.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '$'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// reserved holds the words a binding (a parameter, a class, a type) may not be named in
// a strict-mode module, and the type names TypeScript predefines.
var reserved = setOf(`break case catch class const continue debugger default delete do else
	enum export extends false finally for function if import in instanceof new null return
	super switch this throw true try typeof var void while with implements interface let
	package private protected public static yield await arguments eval any unknown never
	string number boolean object symbol bigint undefined as async from get set of type
	declare namespace module require readonly keyof infer is asserts satisfies accessor`)

// globals holds the global names the generated module uses or users expect to keep their
// meaning; a type of the document never shadows them.
var globals = setOf(`Array ArrayBuffer AsyncIterable AsyncIterableIterator AsyncIterator
	BigInt Boolean DataView Date Error EvalError Function Infinity Iterable IterableIterator
	Iterator IteratorResult JSON Map Math NaN Number Object Partial Pick Omit Promise
	PromiseLike Proxy RangeError ReadonlyArray Record Reflect RegExp Required Readonly Set
	String Symbol SyntaxError TypeError URIError URL Uint8Array WeakMap WeakSet Exclude
	Extract NonNullable ReturnType Parameters InstanceType Awaited Uppercase Lowercase
	Capitalize Uncapitalize ThisType globalThis`)

// runtimeNames holds the names the module's runtime exports or uses at the top level.
var runtimeNames = setOf(`JSONRPCError Params Transport Client ClientOptions Batch Methods
	Subscription WebSocketLike WebSocketConstructor FetchLike FetchResponse ErrorCode
	RequestItem Request Connection Message byName byPosition base64url`)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// namer hands out unique identifiers in one scope, in the order they are asked for, so
// the same document always gives the same names.
type namer struct {
	taken map[string]bool
}

func newNamer(taken ...map[string]bool) *namer {
	n := &namer{taken: map[string]bool{}}
	for _, t := range taken {
		for k := range t {
			n.taken[k] = true
		}
	}
	return n
}

// name returns base, made a valid identifier (fallback when base has no letter or
// digit) and unique in the scope with a number when it is taken.
func (n *namer) name(base, fallback string) string {
	if base == "" {
		base = fallback
	}
	if base[0] >= '0' && base[0] <= '9' {
		base = "_" + base
	}
	if reserved[base] || globals[base] || n.taken[base] {
		cand := base + "_"
		for i := 2; n.taken[cand] || globals[cand]; i++ {
			cand = base + strconv.Itoa(i)
		}
		base = cand
	}
	n.taken[base] = true
	return base
}
