// Package schematest holds types for the framework's schema tests that must live in a
// package of their own, such as a second type named Address.
package schematest

// Address has the same name as a type of the tests, in another package.
type Address struct {
	Lines []string `json:"lines" minItems:"1" maxItems:"4"`
}
