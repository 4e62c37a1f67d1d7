package openrpc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/openrpc-go/openrpc"
)

// registerPanic registers a method named name taking P and returns what Register panicked
// with, or "" when it did not.
func registerPanic[P any](name string) (msg string) {
	defer func() {
		if v := recover(); v != nil {
			msg = fmt.Sprint(v)
		}
	}()
	srv := openrpc.NewServer(openrpc.Info{Title: "tags", Version: "1"}, nil)
	openrpc.Register(srv, openrpc.Method{Name: name}, func(context.Context, P) (int, error) { return 0, nil })
	return ""
}

// TestRegister_tagErrors checks that a tag the framework cannot enforce stops Register with
// a message naming the method, the field and the tag, at any depth.
func TestRegister_tagErrors(t *testing.T) {
	type deep struct {
		Zip string `json:"zip" minimum:"1"`
	}
	type outer struct {
		Inner []deep `json:"inner"`
	}
	for _, tt := range []struct {
		name     string
		register func(name string) string
		want     string
	}{
		{"minimum not a number", registerPanic[struct {
			N int `json:"n" minimum:"abc"`
		}], `"minimum not a number": field "n": tag minimum:"abc": not a number`},
		{"maximum infinite", registerPanic[struct {
			N float64 `json:"n" maximum:"Inf"`
		}], `tag maximum:"Inf": not a number`},
		{"minLength on an int", registerPanic[struct {
			N int `json:"n" minLength:"1"`
		}], `field "n": tag minLength:"1": applies to strings only`},
		{"minimum on a string", registerPanic[struct {
			S string `json:"s" minimum:"1"`
		}], `tag minimum:"1": applies to numbers only`},
		{"minItems on a string", registerPanic[struct {
			S string `json:"s" minItems:"1"`
		}], `tag minItems:"1": applies to slices and arrays only`},
		{"uniqueItems on an int", registerPanic[struct {
			N int `json:"n" uniqueItems:"true"`
		}], `tag uniqueItems:"true": applies to slices and arrays only`},
		{"negative length", registerPanic[struct {
			S string `json:"s" maxLength:"-1"`
		}], `tag maxLength:"-1": not a non-negative integer`},
		{"unknown format", registerPanic[struct {
			S string `json:"s" format:"emial"`
		}], `tag format:"emial": unknown format`},
		{"bad pattern", registerPanic[struct {
			S string `json:"s" pattern:"(a"`
		}], "tag pattern:\"(a\": error parsing regexp: missing closing ): `(a`"},
		{"misspelt maxLength", registerPanic[struct {
			S string `json:"s" maxlength:"3"`
		}], `field "s": tag "maxlength": did you mean "maxLength"?`},
		{"snake case", registerPanic[struct {
			N int `json:"n" exclusive_minimum:"3"`
		}], `tag "exclusive_minimum": did you mean "exclusiveMinimum"?`},
		{"transposed letters", registerPanic[struct {
			S string `json:"s" minLenght:"3"`
		}], `tag "minLenght": did you mean "minLength"?`},
		{"missing letter", registerPanic[struct {
			S string `json:"s" patern:"^a"`
		}], `tag "patern": did you mean "pattern"?`},
		{"wrong letter", registerPanic[struct {
			N int `json:"n" maximun:"3"`
		}], `tag "maximun": did you mean "maximum"?`},
		{"plural", registerPanic[struct {
			S string `json:"s" enums:"a,b"`
		}], `tag "enums": did you mean "enum"?`},
		{"typo and case", registerPanic[struct {
			S string `json:"s" MaxLenght:"3"`
		}], `tag "MaxLenght": did you mean "maxLength"?`},
		{"enum not integers", registerPanic[struct {
			N int `json:"n" enum:"1,two"`
		}], `tag enum:"1,two": "two" is not an integer`},
		{"multipleOf zero", registerPanic[struct {
			N int `json:"n" multipleOf:"0"`
		}], `tag multipleOf:"0": must be greater than 0`},
		{"min above max", registerPanic[struct {
			N int `json:"n" minimum:"5" maximum:"1"`
		}], `field "n": minimum > maximum`},
		{"minLength above maxLength", registerPanic[struct {
			S string `json:"s" minLength:"5" maxLength:"1"`
		}], `minLength > maxLength`},
		{"bad boolean", registerPanic[struct {
			L []int `json:"l" uniqueItems:"yes"`
		}], `tag uniqueItems:"yes": not true or false`},
		{"several problems at once", registerPanic[struct {
			N int `json:"n" minimum:"x" maximum:"y"`
		}], `tag minimum:"x": not a number; tag maximum:"y": not a number`},
		{"nullable true", registerPanic[struct {
			P *int `json:"p" nullable:"true"`
		}], `tag nullable:"true": only "false" is read`},
		{"nullable on an int", registerPanic[struct {
			N int `json:"n" nullable:"false"`
		}], `tag nullable:"false": applies to pointers and Optional only`},
		{"misspelt nullable", registerPanic[struct {
			P *int `json:"p" nulable:"false"`
		}], `tag "nulable": did you mean "nullable"?`},
		{"required false", registerPanic[struct {
			P *int `json:"p" required:"false"`
		}], `field "p": tag required:"false": only "true" is read`},
		{"required on an int", registerPanic[struct {
			N int `json:"n" required:"true"`
		}], `tag required:"true": applies to pointers, interfaces and json.RawMessage only`},
		{"required on an Optional", registerPanic[struct {
			O openrpc.Optional[int] `json:"o" required:"true"`
		}], `tag required:"true": an Optional may be absent: use a pointer`},
		{"required with a default", registerPanic[struct {
			P *int `json:"p" required:"true" default:"1"`
		}], `tag required:"true": a default is for an absent member`},
		{"required with omitempty", registerPanic[struct {
			P *int `json:"p,omitempty" required:"true"`
		}], `field "p": tag required:"true" with the json omitempty option: a required member is never omitted`},
		{"required with omitzero, nested", registerPanic[struct {
			In struct {
				A any `json:"a,omitzero" required:"true"`
			} `json:"in"`
		}], `field "a": tag required:"true" with the json omitzero option`},
		{"misspelt required", registerPanic[struct {
			P *int `json:"p" requried:"true"`
		}], `tag "requried": did you mean "required"?`},
		{"in a nested type", registerPanic[outer], `"in a nested type": param "inner": type openrpc_test.deep: field "zip": tag minimum:"1": applies to numbers only`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.register(tt.name)
			if !strings.HasPrefix(got, fmt.Sprintf("openrpc: Register %q: ", tt.name)) || !strings.Contains(got, tt.want) {
				t.Errorf("got panic %q, want one naming the method and containing %q", got, tt.want)
			}
		})
	}
}

// TestRegister_tagsAccepted checks that valid tags on every kind of field register.
func TestRegister_tagsAccepted(t *testing.T) {
	type P struct {
		S   string                    `json:"s" doc:"a string" minLength:"1" maxLength:"9" pattern:"^a" format:"email" enum:"a@b.c,d@e.f" default:"a@b.c" example:"d@e.f"`
		N   float64                   `json:"n" minimum:"0" maximum:"1" exclusiveMinimum:"-1" exclusiveMaximum:"2" multipleOf:"0.25" deprecated:"true" readOnly:"false"`
		L   []int                     `json:"l" minItems:"0" maxItems:"3" uniqueItems:"true" minimum:"1"`
		O   openrpc.Optional[[]int32] `json:"o" minItems:"1" maximum:"7"`
		A   [3]byte                   `json:"a" maximum:"200"`
		B   []byte                    `json:"b" maxLength:"12"`
		Ptr *[]*string                `json:"ptr" pattern:"x"`
		Req *string                   `json:"req" required:"true" nullable:"false" minLength:"1"`
		Any any                       `json:"any" required:"true"`
		// Keys of other libraries that are a few edits from ours are not typos.
		F string `json:"f" form:"f" db:"f" query:"f" header:"f" validate:"required" title:"F" xml:"f" env:"F"`
	}
	if got := registerPanic[P]("ok"); got != "" {
		t.Errorf("got panic %q, want none", got)
	}
}
