package main

import (
	"fmt"
	"net/http"
	"strings"
)

// headerFlag collects repeated --header "Name: value" flags.
type headerFlag http.Header

func (h *headerFlag) String() string { return "" }

func (h *headerFlag) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("%q is not a header: write it as \"Name: value\"", v)
	}
	if *h == nil {
		*h = make(headerFlag)
	}
	http.Header(*h).Add(name, strings.TrimSpace(value))
	return nil
}
