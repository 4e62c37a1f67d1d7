// Package metaschema checks every OpenRPC document the repository generates against the
// official OpenRPC meta-schema: the golden documents of the framework's tests and the
// documents of the example services. It holds no code, only that test; it lives in the
// examples module so the JSON Schema validator never reaches the framework's go.mod.
package metaschema
