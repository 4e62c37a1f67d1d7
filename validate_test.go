package openrpc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openrpc-go/openrpc"
)

// validateCase is a call of method "m" with params, and the problems it must get (none: the
// call succeeds).
type validateCase struct {
	name   string
	params string
	want   []openrpc.ParamError
}

func pe(path, message string) openrpc.ParamError {
	return openrpc.ParamError{Path: path, Message: message}
}

func pes(pairs ...string) []openrpc.ParamError {
	var out []openrpc.ParamError
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, pe(pairs[i], pairs[i+1]))
	}
	return out
}

// validating returns a server whose method "m" takes P and answers with h's result, or "ok".
func validating[P any](h func(P) string) *openrpc.Server {
	srv := openrpc.NewServer(openrpc.Info{Title: "validate", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, p P) (string, error) {
		if h == nil {
			return "ok", nil
		}
		return h(p), nil
	})
	return srv
}

// call sends params to method "m" of srv and returns the result, or the problems listed by
// the Invalid params error it got.
func call(t *testing.T, srv *openrpc.Server, params string) (string, []openrpc.ParamError) {
	t.Helper()
	msg := `{"jsonrpc":"2.0","method":"m","id":1`
	if params != "" {
		msg += `,"params":` + params
	}
	reply := srv.Process(context.Background(), []byte(msg+"}"))
	var resp struct {
		Result *string
		Error  *struct {
			Code int
			Data *openrpc.InvalidParamsData
		}
	}
	if err := json.Unmarshal(reply, &resp); err != nil {
		t.Fatalf("reply %s: %v", reply, err)
	}
	if resp.Error == nil {
		if resp.Result == nil {
			t.Fatalf("got %s, want a string result", reply)
		}
		return *resp.Result, nil
	}
	if resp.Error.Code != -32602 || resp.Error.Data == nil || len(resp.Error.Data.Errors) == 0 {
		t.Fatalf("got %s, want an Invalid params error listing problems", reply)
	}
	return "", resp.Error.Data.Errors
}

func runValidate(t *testing.T, srv *openrpc.Server, cases []validateCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			_, got := call(t, srv, tt.params)
			if !slices.Equal(got, tt.want) {
				t.Errorf("params %s: got errors %v, want %v", tt.params, got, tt.want)
			}
		})
	}
}

func TestValidate_minimum(t *testing.T) {
	type P struct {
		I int     `json:"i,omitempty" minimum:"1"`
		F float64 `json:"f,omitempty" minimum:"-0.5"`
		H int     `json:"h,omitempty" minimum:"0.5"` // the integers from 1
		U uint    `json:"u,omitempty" minimum:"-3"`  // every uint
		B int64   `json:"b,omitempty" minimum:"-9223372036854775808"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"at the bound", `{"i":1,"f":-0.5}`, nil},
		{"above", `{"i":2,"f":0}`, nil},
		{"below", `{"i":0}`, pes("/i", "must be >= 1")},
		{"float below", `{"f":-0.5000001}`, pes("/f", "must be >= -0.5")},
		{"fractional bound on an integer: below", `{"h":0}`, pes("/h", "must be >= 0.5")},
		{"fractional bound on an integer: above", `{"h":1}`, nil},
		{"negative bound on a uint", `{"u":0}`, nil},
		{"int64 bound", `{"b":-9223372036854775808}`, nil},
		{"integer written as a float", `{"i":1.0}`, nil},
		{"integer written with an exponent, below", `{"i":0e5}`, pes("/i", "must be >= 1")},
	})
}

func TestValidate_maximum(t *testing.T) {
	type P struct {
		I int8    `json:"i,omitempty" maximum:"64"`
		F float32 `json:"f,omitempty" maximum:"1.5"`
		U uint64  `json:"u,omitempty" maximum:"1e19"`
		N int     `json:"n,omitempty" maximum:"-1"`
		V uint    `json:"v,omitempty" maximum:"-1"` // no uint
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"at the bound", `{"i":64,"f":1.5,"u":10000000000000000000}`, nil},
		{"below", `{"i":-128,"f":-1e30,"n":-2}`, nil},
		{"above", `{"i":65}`, pes("/i", "must be <= 64")},
		{"float above", `{"f":1.5000001}`, pes("/f", "must be <= 1.5")},
		{"uint64 above", `{"u":10000000000000000001}`, pes("/u", "must be <= 10000000000000000000")},
		{"negative bound", `{"n":-1}`, nil},
		{"negative bound: above", `{"n":0}`, pes("/n", "must be <= -1")},
		{"no uint passes", `{"v":0}`, pes("/v", "must be <= -1")},
		{"type range comes first", `{"i":300}`, pes("/i", "integer 300 out of range [-128, 127]")},
	})
}

func TestValidate_exclusiveMinimum(t *testing.T) {
	type P struct {
		I int     `json:"i,omitempty" exclusiveMinimum:"0"`
		F float64 `json:"f,omitempty" exclusiveMinimum:"0"`
		H int     `json:"h,omitempty" exclusiveMinimum:"1.5"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"just above", `{"i":1,"f":5e-324,"h":2}`, nil},
		{"at the bound", `{"i":0}`, pes("/i", "must be > 0")},
		{"float at the bound", `{"f":0}`, pes("/f", "must be > 0")},
		{"negative zero", `{"f":-0.0}`, pes("/f", "must be > 0")},
		{"below a fractional bound", `{"h":1}`, pes("/h", "must be > 1.5")},
	})
}

func TestValidate_exclusiveMaximum(t *testing.T) {
	type P struct {
		I int64   `json:"i,omitempty" exclusiveMaximum:"10"`
		F float64 `json:"f,omitempty" exclusiveMaximum:"1"`
		// 9223372036854775807 reads as the float64 2^63: every int64 is below it.
		Max int64 `json:"max,omitempty" exclusiveMaximum:"9223372036854775807"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"below", `{"i":9,"f":0.9999999999999999,"max":9223372036854775807}`, nil},
		{"at the bound", `{"i":10}`, pes("/i", "must be < 10")},
		{"float at the bound", `{"f":1}`, pes("/f", "must be < 1")},
	})
}

func TestValidate_multipleOf(t *testing.T) {
	type P struct {
		I int     `json:"i,omitempty" multipleOf:"5"`
		U uint16  `json:"u,omitempty" multipleOf:"3"`
		F float64 `json:"f,omitempty" multipleOf:"0.1"`
		H float64 `json:"h,omitempty" multipleOf:"0.5"`
		N int     `json:"n,omitempty" multipleOf:"0.5"` // every integer
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"multiples", `{"i":-15,"u":9,"f":0.3,"h":2.5,"n":7}`, nil},
		{"zero", `{"i":0,"f":0}`, nil},
		{"not a multiple", `{"i":7}`, pes("/i", "must be a multiple of 5")},
		{"uint not a multiple", `{"u":10}`, pes("/u", "must be a multiple of 3")},
		{"decimal multiple", `{"f":1.7}`, nil},
		{"decimal not a multiple", `{"f":0.35}`, pes("/f", "must be a multiple of 0.1")},
		{"binary not a multiple", `{"h":0.25}`, pes("/h", "must be a multiple of 0.5")},
		{"huge", `{"h":1e308}`, nil},
	})
}

func TestValidate_minLength(t *testing.T) {
	type P struct {
		S string  `json:"s,omitempty" minLength:"2"`
		B []byte  `json:"b,omitempty" minLength:"8"` // the base64 text
		P *string `json:"p,omitempty" minLength:"1"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"at the bound", `{"s":"ab"}`, nil},
		{"two code points in four bytes", `{"s":"éé"}`, nil},
		{"one code point in two bytes", `{"s":"é"}`, pes("/s", "length must be >= 2")},
		{"one code point in four bytes", `{"s":"😀"}`, pes("/s", "length must be >= 2")},
		{"escaped", `{"s":"\u00e9\u00e9"}`, nil},
		{"escaped surrogate pair is one code point", `{"s":"\ud83d\ude00"}`, pes("/s", "length must be >= 2")},
		{"empty", `{"s":""}`, pes("/s", "length must be >= 2")},
		{"base64 text", `{"b":"AAAAAAAA"}`, nil},
		{"base64 text too short", `{"b":"AAAA"}`, pes("/b", "length must be >= 8")},
		{"through a pointer", `{"p":""}`, pes("/p", "length must be >= 1")},
		{"null pointer", `{"p":null}`, nil},
	})
}

func TestValidate_maxLength(t *testing.T) {
	type P struct {
		S string `json:"s" maxLength:"3"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"at the bound", `{"s":"abc"}`, nil},
		{"three code points in nine bytes", `{"s":"€€€"}`, nil},
		{"over", `{"s":"abcd"}`, pes("/s", "length must be <= 3")},
		{"four code points", `{"s":"😀😀😀😀"}`, pes("/s", "length must be <= 3")},
		{"empty", `{"s":""}`, nil},
	})
}

func TestValidate_pattern(t *testing.T) {
	type P struct {
		Anchored string `json:"anchored,omitempty" pattern:"^[a-z]+$"`
		Search   string `json:"search,omitempty" pattern:"[0-9]"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"anchored match", `{"anchored":"abc"}`, nil},
		{"anchored mismatch", `{"anchored":"abC"}`, pes("/anchored", "must match pattern ^[a-z]+$")},
		{"empty string", `{"anchored":""}`, pes("/anchored", "must match pattern ^[a-z]+$")},
		{"unanchored finds a digit anywhere", `{"search":"a1b"}`, nil},
		{"unanchored mismatch", `{"search":"abc"}`, pes("/search", "must match pattern [0-9]")},
		{"matched on the unescaped text", `{"anchored":"\u0061bc"}`, nil},
	})
}

func TestValidate_format(t *testing.T) {
	type P struct {
		DateTime string `json:"date-time,omitempty" format:"date-time"`
		Date     string `json:"date,omitempty" format:"date"`
		Time     string `json:"time,omitempty" format:"time"`
		Email    string `json:"email,omitempty" format:"email"`
		URI      string `json:"uri,omitempty" format:"uri"`
		UUID     string `json:"uuid,omitempty" format:"uuid"`
		IPv4     string `json:"ipv4,omitempty" format:"ipv4"`
		IPv6     string `json:"ipv6,omitempty" format:"ipv6"`
		Hostname string `json:"hostname,omitempty" format:"hostname"`
		Duration string `json:"duration,omitempty" format:"duration"`
		Regex    string `json:"regex,omitempty" format:"regex"`
	}
	srv := validating[P](nil)
	for _, tt := range []struct {
		format, valid, invalid string
	}{
		{"date-time", "2026-11-28T10:20:30.5+01:00", "2026-11-28 10:20:30"},
		{"date", "2026-02-28", "2026-02-30"},
		{"time", "10:20:30Z", "25:00:00Z"},
		{"email", "ada@example.com", "Ada <ada@example.com>"},
		{"uri", "https://example.com/x?y=1", "/relative/path"},
		{"uuid", "123e4567-e89b-12d3-a456-426614174000", "123e4567e89b12d3a456426614174000"},
		{"ipv4", "192.0.2.1", "::1"},
		{"ipv6", "2001:db8::1", "192.0.2.1"},
		{"hostname", "api.example.com", "-bad-.example.com"},
		{"duration", "P3DT4H", "P"},
		{"regex", "^a+$", "(unclosed"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			runValidate(t, srv, []validateCase{
				{"valid", fmt.Sprintf(`{%q:%q}`, tt.format, tt.valid), nil},
				{"invalid", fmt.Sprintf(`{%q:%q}`, tt.format, tt.invalid), pes("/"+tt.format, "must be a valid "+tt.format)},
			})
		})
	}
}

func TestValidate_enum(t *testing.T) {
	type P struct {
		S  string                   `json:"s,omitempty" enum:"a,b"`
		I  int                      `json:"i,omitempty" enum:"1,2,3"`
		F  float64                  `json:"f,omitempty" enum:"0.5,1.5"`
		B  bool                     `json:"b,omitempty" enum:"true"`
		O  openrpc.Optional[string] `json:"o" enum:"x,y"`
		SS []string                 `json:"ss,omitempty" enum:"a,b"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"members", `{"s":"b","i":3,"f":1.5,"b":true,"o":"x","ss":["a","b","a"]}`, nil},
		{"string", `{"s":"c"}`, pes("/s", `must be one of ["a","b"]`)},
		{"case sensitive", `{"s":"A"}`, pes("/s", `must be one of ["a","b"]`)},
		{"integer", `{"i":4}`, pes("/i", "must be one of [1,2,3]")},
		{"integer written as a float", `{"i":2.0}`, nil},
		{"float", `{"f":1}`, pes("/f", "must be one of [0.5,1.5]")},
		{"boolean", `{"b":false}`, pes("/b", "must be one of [true]")},
		{"optional", `{"o":"z"}`, pes("/o", `must be one of ["x","y"]`)},
		{"optional null", `{"o":null}`, nil},
		{"items", `{"ss":["a","c"]}`, pes("/ss/1", `must be one of ["a","b"]`)},
	})
}

func TestValidate_minItems(t *testing.T) {
	type P struct {
		L []int                   `json:"l,omitempty" minItems:"2"`
		A *[]int                  `json:"a,omitempty" minItems:"1"`
		O openrpc.Optional[[]int] `json:"o" minItems:"1"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"at the bound", `{"l":[1,2]}`, nil},
		{"below", `{"l":[1]}`, pes("/l", "must have at least 2 items")},
		{"empty", `{"l":[]}`, pes("/l", "must have at least 2 items")},
		{"through a pointer", `{"a":[]}`, pes("/a", "must have at least 1 items")},
		{"null pointer", `{"a":null}`, nil},
		{"through an Optional", `{"o":[]}`, pes("/o", "must have at least 1 items")},
		{"Optional null", `{"o":null}`, nil},
	})
}

func TestValidate_maxItems(t *testing.T) {
	type P struct {
		L []string `json:"l" maxItems:"2"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"at the bound", `{"l":["a","b"]}`, nil},
		{"empty", `{"l":[]}`, nil},
		{"over", `{"l":["a","b","c"]}`, pes("/l", "must have at most 2 items")},
		// Over maxItems the list is refused before its items are decoded (nothing allocated).
		{"bad items and too many", `{"l":[1,"b","c"]}`, pes("/l", "must have at most 2 items")},
	})
}

func TestValidate_uniqueItems(t *testing.T) {
	type item struct {
		X int `json:"x"`
	}
	many := func(last string) string {
		var b strings.Builder
		b.WriteString(`{"i":[`)
		for i := range 40 {
			fmt.Fprintf(&b, "%d,", i)
		}
		return b.String() + last + `]}`
	}
	type P struct {
		S []string  `json:"s,omitempty" uniqueItems:"true"`
		I []int     `json:"i,omitempty" uniqueItems:"true"`
		F []float64 `json:"f,omitempty" uniqueItems:"true"`
		B []bool    `json:"b,omitempty" uniqueItems:"true"`
		O []item    `json:"o,omitempty" uniqueItems:"true"`
		N []int     `json:"n,omitempty" uniqueItems:"false"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"unique", `{"s":["a","b"],"i":[1,2],"f":[0.5,1],"b":[true,false],"o":[{"x":1},{"x":2}]}`, nil},
		{"strings", `{"s":["a","b","a"]}`, pes("/s", "items must be unique")},
		{"same number written twice", `{"i":[1,1.0]}`, pes("/i", "items must be unique")},
		{"floats", `{"f":[0.5,5e-1]}`, pes("/f", "items must be unique")},
		{"booleans", `{"b":[true,true]}`, pes("/b", "items must be unique")},
		{"objects", `{"o":[{"x":1},{"x":2},{"x":1}]}`, pes("/o", "items must be unique")},
		{"long list, unique", many("40"), nil},
		{"long list, duplicate", many("39"), pes("/i", "items must be unique")},
		{"not asked", `{"n":[1,1]}`, nil},
		{"item errors first", `{"s":["a",1,"a"]}`, pes("/s/1", "expected string, got number")},
	})
}

// TestValidate_items checks that value keywords apply to each item of a list field, with the
// item's index in the path.
func TestValidate_items(t *testing.T) {
	type P struct {
		Tags   []string   `json:"tags,omitempty" pattern:"^[a-z]+$" maxLength:"5" minItems:"1" maxItems:"3"`
		Grid   [][]int    `json:"grid,omitempty" minimum:"0"`
		Ptrs   []*int     `json:"ptrs,omitempty" maximum:"9"`
		Fixed  [2]uint8   `json:"fixed,omitempty" minimum:"1"`
		Scores *[]float64 `json:"scores,omitempty" exclusiveMaximum:"1"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"valid", `{"tags":["go","rpc"],"grid":[[0,1],[2]],"ptrs":[1,null],"fixed":[1,2],"scores":[0.5]}`, nil},
		{"third tag", `{"tags":["go","rpc","Bad"]}`, pes("/tags/2", "must match pattern ^[a-z]+$")},
		{"several items", `{"tags":["toolong","x","Y"]}`, pes("/tags/0", "length must be <= 5", "/tags/2", "must match pattern ^[a-z]+$")},
		{"item and list", `{"tags":["a","b","c","D"]}`, pes("/tags", "must have at most 3 items")},
		{"nested lists", `{"grid":[[0],[1,-1]]}`, pes("/grid/1/1", "must be >= 0")},
		{"pointer items", `{"ptrs":[null,10]}`, pes("/ptrs/1", "must be <= 9")},
		{"array items", `{"fixed":[1,0]}`, pes("/fixed/1", "must be >= 1")},
		{"array length", `{"fixed":[1]}`, pes("/fixed", "must have 2 items, got 1")},
		{"array too long", `{"fixed":[1,2,3]}`, pes("/fixed", "must have 2 items, got 3")},
		{"items through a pointer", `{"scores":[0.5,1]}`, pes("/scores/1", "must be < 1")},
		{"null item", `{"tags":["a",null]}`, pes("/tags/1", "must not be null")},
	})
}

// The params of TestValidate_nesting.
type (
	address struct {
		Street string    `json:"street" minLength:"1"`
		Zip    string    `json:"zip" pattern:"^[0-9]{5}$"`
		Floor  *int      `json:"floor" minimum:"0"`
		Note   string    `json:"note,omitempty" maxLength:"10"`
		Geo    *geo      `json:"geo,omitempty"`
		Since  time.Time `json:"since,omitzero"`
	}
	geo struct {
		Lat float64 `json:"lat" minimum:"-90" maximum:"90"`
		Lon float64 `json:"lon" minimum:"-180" maximum:"180"`
	}
	person struct {
		Name    string             `json:"name" minLength:"1"`
		Address address            `json:"address"`
		Others  []address          `json:"others,omitempty" maxItems:"2"`
		Scores  map[string]int     `json:"scores,omitempty"`
		Places  map[string]address `json:"places,omitempty"`
		ByID    map[int64]string   `json:"byID,omitempty"`
		Counts  map[uint8]bool     `json:"counts,omitempty"`
	}
)

func TestValidate_nesting(t *testing.T) {
	const addr = `{"street":"Main","zip":"12345"}`
	runValidate(t, validating[person](nil), []validateCase{
		{"valid", `{"name":"Ada","address":{"street":"Main","zip":"12345","floor":2,"geo":{"lat":1,"lon":2},"since":"2026-01-02T03:04:05Z"},` +
			`"others":[` + addr + `],"scores":{"a":1},"places":{"home":` + addr + `},"byID":{"-5":"x"},"counts":{"255":true}}`, nil},
		{"nested constraint", `{"name":"Ada","address":{"street":"Main","zip":"1234"}}`, pes("/address/zip", "must match pattern ^[0-9]{5}$")},
		{"nested required", `{"name":"Ada","address":{"zip":"12345"}}`, pes("/address/street", "required property is missing")},
		{"unknown nested property", `{"name":"Ada","address":{"street":"Main","zip":"12345","city":"X"}}`, pes("/address/city", "unknown property")},
		{"names are case sensitive", `{"name":"Ada","address":{"Street":"Main","zip":"12345"}}`,
			pes("/address/Street", `unknown property; did you mean "street"?`, "/address/street", "required property is missing")},
		{"nested property given twice", `{"name":"Ada","address":{"street":"Main","zip":"12345","street":"Other"}}`, pes("/address/street", "property given more than once")},
		{"deeper", `{"name":"Ada","address":{"street":"Main","zip":"12345","geo":{"lat":91,"lon":-181}}}`,
			pes("/address/geo/lat", "must be <= 90", "/address/geo/lon", "must be >= -180")},
		{"nested wrong type", `{"name":"Ada","address":[]}`, pes("/address", "expected object, got array")},
		{"nested null for a struct", `{"name":"Ada","address":null}`, pes("/address", "must not be null")},
		{"time.Time through encoding/json", `{"name":"Ada","address":{"street":"Main","zip":"12345","since":"yesterday"}}`,
			pes("/address/since", `parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"`)},
		{"list of objects", `{"name":"Ada","address":` + addr + `,"others":[` + addr + `,{"street":"","zip":"12345"}]}`,
			pes("/others/1/street", "length must be >= 1")},
		{"map values", `{"name":"Ada","address":` + addr + `,"scores":{"a":1,"b":"two"}}`, pes("/scores/b", "expected integer, got string")},
		{"map of objects", `{"name":"Ada","address":` + addr + `,"places":{"a/b":{"street":"Main","zip":"x"}}}`,
			pes("/places/a~1b/zip", "must match pattern ^[0-9]{5}$")},
		{"map null value", `{"name":"Ada","address":` + addr + `,"scores":{"a":null}}`, pes("/scores/a", "must not be null")},
		{"map key given twice", `{"name":"Ada","address":` + addr + `,"scores":{"a":1,"a":2}}`, pes("/scores/a", "property given more than once")},
		{"integer keys", `{"name":"Ada","address":` + addr + `,"byID":{"x":"y","1.5":"z"}}`,
			pes("/byID/x", "key must be an integer in [-9223372036854775808, 9223372036854775807]", "/byID/1.5", "key must be an integer in [-9223372036854775808, 9223372036854775807]")},
		{"unsigned keys out of range", `{"name":"Ada","address":` + addr + `,"counts":{"256":true}}`, pes("/counts/256", "key must be an integer in [0, 255]")},
		{"map wrong type", `{"name":"Ada","address":` + addr + `,"scores":[]}`, pes("/scores", "expected object, got array")},
	})
}

func TestValidate_multipleErrors(t *testing.T) {
	srv := validating[person](nil)
	_, got := call(t, srv, `{"name":"","address":{"street":"","zip":"x","extra":1,"geo":{"lat":100}},"others":[{},{},{}],"nick":"a"}`)
	want := pes(
		"/name", "length must be >= 1",
		"/address/street", "length must be >= 1",
		"/address/zip", "must match pattern ^[0-9]{5}$",
		"/address/extra", "unknown property",
		"/address/geo/lat", "must be <= 90",
		"/address/geo/lon", "required property is missing",
		"/others", "must have at most 2 items",
		"/nick", "unknown param",
	)
	if !slices.Equal(got, want) {
		t.Errorf("got %v,\nwant %v", got, want)
	}
}

func TestValidate_tooManyErrors(t *testing.T) {
	type P struct {
		L []int `json:"l" minimum:"1"`
	}
	srv := validating[P](nil)
	_, got := call(t, srv, `{"l":[`+strings.Repeat("0,", 500)+`0]}`)
	if len(got) != 101 {
		t.Fatalf("got %d errors, want 100 and a note", len(got))
	}
	if got[99] != pe("/l/99", "must be >= 1") || got[100] != pe("", "too many errors: only the first 100 are listed") {
		t.Errorf("got last errors %v, want /l/99 and the note", got[99:])
	}
}

// TestValidate_dataShape checks the data of an Invalid params error member by member: it is
// what clients parse.
func TestValidate_dataShape(t *testing.T) {
	type P struct {
		N int `json:"n" minimum:"1"`
	}
	srv := validating[P](nil)
	got := process(t, srv, `{"jsonrpc":"2.0","method":"m","params":{"n":0,"x":1},"id":7}`)
	checkJSON(t, got, `{"jsonrpc":"2.0","id":7,"error":{"code":-32602,"message":"Invalid params","data":`+
		`{"errors":[{"path":"/n","message":"must be >= 1"},{"path":"/x","message":"unknown param"}]}}}`)
}

// TestValidate_nulls checks absent, null and a value for plain, pointer and Optional fields,
// at the top level and nested, with and without constraints.
func TestValidate_nulls(t *testing.T) {
	type inner struct {
		Plain int                   `json:"plain,omitempty" minimum:"1"`
		Ptr   *int                  `json:"ptr" minimum:"1"`
		Opt   openrpc.Optional[int] `json:"opt" minimum:"1"`
		Any   any                   `json:"any"`
		Raw   json.RawMessage       `json:"raw"`
		List  []int                 `json:"list,omitempty"`
		Map   map[string]int        `json:"map,omitempty"`
	}
	type P struct {
		Plain  int                     `json:"plain,omitempty" minimum:"1"`
		Ptr    *int                    `json:"ptr" minimum:"1"`
		Opt    openrpc.Optional[int]   `json:"opt" minimum:"1"`
		Inner  *inner                  `json:"inner"`
		OptIn  openrpc.Optional[inner] `json:"optIn"`
		PtrPtr **int                   `json:"ptrPtr"`
	}
	describe := func(p P) string {
		ptr := func(p *int) string {
			if p == nil {
				return "nil"
			}
			return fmt.Sprint(*p)
		}
		opt := func(o openrpc.Optional[int]) string {
			if o.IsAbsent() {
				return "absent"
			}
			if o.IsNull() {
				return "null"
			}
			v, _ := o.Get()
			return fmt.Sprint(v)
		}
		s := fmt.Sprintf("plain=%d ptr=%s opt=%s", p.Plain, ptr(p.Ptr), opt(p.Opt))
		if p.Inner != nil {
			s += fmt.Sprintf(" inner{plain=%d ptr=%s opt=%s any=%v raw=%s list=%v map=%v}", p.Inner.Plain, ptr(p.Inner.Ptr), opt(p.Inner.Opt), p.Inner.Any, p.Inner.Raw, p.Inner.List, p.Inner.Map)
		}
		switch v, ok := p.OptIn.Get(); {
		case ok:
			s += fmt.Sprintf(" optIn{plain=%d}", v.Plain)
		case p.OptIn.IsNull():
			s += " optIn=null"
		}
		if p.PtrPtr != nil {
			s += " ptrPtr=" + ptr(*p.PtrPtr)
		}
		return s
	}
	srv := validating(describe)
	for _, tt := range []struct {
		name, params, want string
		errs               []openrpc.ParamError
	}{
		{"absent", `{}`, "plain=0 ptr=nil opt=absent", nil},
		{"null", `{"ptr":null,"opt":null,"inner":null,"optIn":null,"ptrPtr":null}`, "plain=0 ptr=nil opt=null optIn=null", nil},
		{"values", `{"plain":1,"ptr":2,"opt":3,"ptrPtr":4}`, "plain=1 ptr=2 opt=3 ptrPtr=4", nil},
		{"null for a plain field", `{"plain":null}`, "", pes("/plain", "must not be null")},
		{"constraints on values", `{"plain":0,"ptr":0,"opt":0}`, "", pes("/plain", "must be >= 1", "/ptr", "must be >= 1", "/opt", "must be >= 1")},
		{"nested absent", `{"inner":{}}`, "plain=0 ptr=nil opt=absent inner{plain=0 ptr=nil opt=absent any=<nil> raw= list=[] map=map[]}", nil},
		{"nested null", `{"inner":{"ptr":null,"opt":null,"any":null,"raw":null}}`, "plain=0 ptr=nil opt=absent inner{plain=0 ptr=nil opt=null any=<nil> raw=null list=[] map=map[]}", nil},
		{"nested values", `{"inner":{"plain":1,"ptr":2,"opt":3,"any":{"a":[1]},"raw":[1, 2],"list":[],"map":{}}}`,
			"plain=0 ptr=nil opt=absent inner{plain=1 ptr=2 opt=3 any=map[a:[1]] raw=[1, 2] list=[] map=map[]}", nil},
		{"nested null for plain fields", `{"inner":{"plain":null,"list":null,"map":null}}`, "",
			pes("/inner/plain", "must not be null", "/inner/list", "must not be null", "/inner/map", "must not be null")},
		{"nested constraints", `{"inner":{"plain":0,"ptr":0,"opt":0}}`, "",
			pes("/inner/plain", "must be >= 1", "/inner/ptr", "must be >= 1", "/inner/opt", "must be >= 1")},
		{"Optional of a struct", `{"optIn":{"plain":5}}`, "plain=0 ptr=nil opt=absent optIn{plain=5}", nil},
		{"Optional of a struct, strictly", `{"optIn":{"plain":0,"x":1}}`, "", pes("/optIn/plain", "must be >= 1", "/optIn/x", "unknown property")},
		{"Optional of the wrong type", `{"opt":"x"}`, "", pes("/opt", "expected integer, got string")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := call(t, srv, tt.params)
			if got != tt.want || !slices.Equal(errs, tt.errs) {
				t.Errorf("params %s: got %q %v, want %q %v", tt.params, got, errs, tt.want, tt.errs)
			}
		})
	}
}

// node is a recursive type.
type node struct {
	Name     string `json:"name" minLength:"1"`
	Children []node `json:"children,omitempty" maxItems:"3"`
	Next     *node  `json:"next,omitempty"`
}

func TestValidate_recursive(t *testing.T) {
	type P struct {
		Root node `json:"root"`
	}
	count := func(p P) string {
		var n func(node) int
		n = func(x node) int {
			c := 1
			for _, ch := range x.Children {
				c += n(ch)
			}
			if x.Next != nil {
				c += n(*x.Next)
			}
			return c
		}
		return fmt.Sprint(n(p.Root))
	}
	srv := validating(count)
	got, errs := call(t, srv, `{"root":{"name":"a","children":[{"name":"b","children":[{"name":"c"}]},{"name":"d","next":{"name":"e"}}]}}`)
	if got != "5" || errs != nil {
		t.Errorf("got %q %v, want 5 nodes", got, errs)
	}
	runValidate(t, srv, []validateCase{
		{"deep problem", `{"root":{"name":"a","children":[{"name":"b"},{"name":"c","children":[{"name":"d"},{"name":""}]}]}}`,
			pes("/root/children/1/children/1/name", "length must be >= 1")},
		{"through a pointer", `{"root":{"name":"a","next":{"name":"b","next":{"zzz":1}}}}`,
			pes("/root/next/next/zzz", "unknown property", "/root/next/next/name", "required property is missing")},
		{"list keywords at depth", `{"root":{"name":"a","children":[{"name":"b","children":[{"name":"c"},{"name":"c"},{"name":"c"},{"name":"c"}]}]}}`,
			pes("/root/children/0/children", "must have at most 3 items")},
	})
}

// lower is a string type that decodes itself: its constraints are checked on the JSON text.
type lower string

func (l *lower) UnmarshalText(b []byte) error {
	*l = lower(strings.ToLower(string(b)))
	return nil
}

// csv is a list type that decodes itself, from an array or from "a,b,c": its constraints
// are checked on the list it decodes.
type csv []string

func (c *csv) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*c = strings.Split(s, ",")
		return nil
	}
	return json.Unmarshal(b, (*[]string)(c))
}

func TestValidate_selfDecodingTypes(t *testing.T) {
	type P struct {
		CSV   csv             `json:"csv,omitempty" maxItems:"2" pattern:"^[a-z]+$"`
		L     lower           `json:"l,omitempty" pattern:"^[a-z]+$"`
		When  time.Time       `json:"when,omitzero"`
		Bytes []byte          `json:"bytes,omitempty" maxLength:"4"`
		Raw   json.RawMessage `json:"raw,omitempty"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"valid", `{"l":"abc","when":"2026-11-28T10:00:00Z","bytes":"AAE=","raw":{"any":[1]}}`, nil},
		{"pattern on the text sent", `{"l":"ABC"}`, pes("/l", "must match pattern ^[a-z]+$")},
		{"time", `{"when":1}`, pes("/when", "expected string, got number")},
		{"base64", `{"bytes":"%%%"}`, pes("/bytes", "illegal base64 data at input byte 0")},
		{"base64 length", `{"bytes":"AAAAAA=="}`, pes("/bytes", "length must be <= 4")},
		{"list that decodes itself", `{"csv":"a,b"}`, nil},
		{"list that decodes itself, checked", `{"csv":"a,b,C"}`, pes("/csv", "must have at most 2 items", "/csv/2", "must match pattern ^[a-z]+$")},
		{"list that decodes itself, failing", `{"csv":1}`, pes("/csv", "expected array, got number")},
	})
}

func TestValidate_variadic(t *testing.T) {
	srv := openrpc.NewServer(openrpc.Info{Title: "validate", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: "m"}, func(_ context.Context, xs []address) (string, error) {
		return fmt.Sprint(len(xs)), nil
	})
	runValidate(t, srv, []validateCase{
		{"valid", `[{"street":"a","zip":"12345"}]`, nil},
		{"nested problem", `[{"street":"a","zip":"12345"},{"street":"a","zip":"1"}]`, pes("/1/zip", "must match pattern ^[0-9]{5}$")},
	})
}

// TestValidate_sharedTypes registers one type in several methods and checks that each
// field's constraints stay its own.
func TestValidate_sharedTypes(t *testing.T) {
	type A struct {
		N int `json:"n" minimum:"10"`
	}
	type B struct {
		N int `json:"n" maximum:"5"`
	}
	type P struct {
		A  A     `json:"a"`
		B  B     `json:"b"`
		Ns []int `json:"ns" minimum:"0"`
		Ms []int `json:"ms"`
	}
	runValidate(t, validating[P](nil), []validateCase{
		{"valid", `{"a":{"n":10},"b":{"n":5},"ns":[0],"ms":[-1]}`, nil},
		{"each its own", `{"a":{"n":5},"b":{"n":10},"ns":[-1],"ms":[-1]}`,
			pes("/a/n", "must be >= 10", "/b/n", "must be <= 5", "/ns/0", "must be >= 0")},
	})
}
