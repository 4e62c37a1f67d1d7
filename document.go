package openrpc

import "encoding/json"

// Info describes a service: the OpenRPC Info object.
type Info struct {
	Title          string   `json:"title"`
	Version        string   `json:"version"`
	Description    string   `json:"description,omitempty"`
	TermsOfService string   `json:"termsOfService,omitempty"`
	Contact        *Contact `json:"contact,omitempty"`
	License        *License `json:"license,omitempty"`
}

// Contact is the OpenRPC Contact object.
type Contact struct {
	Name  string `json:"name,omitempty"`
	URL   string `json:"url,omitempty"`
	Email string `json:"email,omitempty"`
}

// License is the OpenRPC License object.
type License struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// ServerObject is the OpenRPC Server object: where a service, or a method, can be reached.
type ServerObject struct {
	Name        string                    `json:"name,omitempty"`
	URL         string                    `json:"url"`
	Summary     string                    `json:"summary,omitempty"`
	Description string                    `json:"description,omitempty"`
	Variables   map[string]ServerVariable `json:"variables,omitempty"`
}

// ServerVariable is the OpenRPC Server Variable object, substituted in a server's URL.
type ServerVariable struct {
	Enum        []string `json:"enum,omitempty"`
	Default     string   `json:"default"`
	Description string   `json:"description,omitempty"`
}

// Tag is the OpenRPC Tag object, used to group methods.
type Tag struct {
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	ExternalDocs *ExternalDocs `json:"externalDocs,omitempty"`
}

// ExternalDocs is the OpenRPC External Documentation object.
type ExternalDocs struct {
	Description string `json:"description,omitempty"`
	URL         string `json:"url"`
}

// Example is the OpenRPC Example object: a named sample value.
type Example struct {
	Name        string `json:"name"`
	Summary     string `json:"summary,omitempty"`
	Description string `json:"description,omitempty"`
	Value       any    `json:"value"`
}

// ExamplePairing is the OpenRPC Example Pairing object: sample params with their result.
// A pairing without a Result shows a notification.
type ExamplePairing struct {
	Name        string    `json:"name"`
	Summary     string    `json:"summary,omitempty"`
	Description string    `json:"description,omitempty"`
	Params      []Example `json:"params"`
	Result      *Example  `json:"result,omitempty"`
}

// Link is the OpenRPC Link object: a possible follow-up call.
type Link struct {
	Name        string          `json:"name"`
	Summary     string          `json:"summary,omitempty"`
	Description string          `json:"description,omitempty"`
	Method      string          `json:"method,omitempty"`
	Params      json.RawMessage `json:"params,omitempty"`
	Server      *ServerObject   `json:"server,omitempty"`
}

// ParamStructure says how a method accepts its params, and is enforced: a call that passes
// them the other way fails with [CodeInvalidParams].
type ParamStructure string

// The param structures of OpenRPC. The zero value means [ByEither].
const (
	ByName     ParamStructure = "by-name"     // params must be an object
	ByPosition ParamStructure = "by-position" // params must be an array
	ByEither   ParamStructure = "either"      // an object or an array
)
