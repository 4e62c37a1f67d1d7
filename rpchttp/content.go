package rpchttp

import (
	"fmt"
	"mime"
	"net/http"
	"strings"
)

var acceptedTypes = map[string]bool{
	"application/json":                  true,
	"application/json-rpc":              true,
	"application/jsonrequest":           true,
	"application/x-www-form-urlencoded": true,
}

// checkContent returns why the body of r cannot be read as UTF-8 JSON, or "": its media
// type is not one of acceptedTypes, its charset is not UTF-8, or it is compressed.
func checkContent(r *http.Request) string {
	for _, v := range r.Header.Values("Content-Encoding") {
		for coding := range strings.SplitSeq(v, ",") {
			if coding = strings.TrimSpace(coding); coding != "" && !strings.EqualFold(coding, "identity") {
				return fmt.Sprintf("unsupported Content-Encoding %q: send the body uncompressed", coding)
			}
		}
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || !acceptedTypes[mt] {
		return fmt.Sprintf("unsupported content type %q: send application/json", ct)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return fmt.Sprintf("unsupported charset %q: JSON-RPC bodies must be UTF-8 (send application/json, or charset=utf-8)", cs)
	}
	return ""
}

// unsupportedContent answers 415 with the reason checkContent gave.
func unsupportedContent(w http.ResponseWriter, reason string) {
	w.Header().Set("Accept-Encoding", "identity") // RFC 9110 §12.5.3: the codings accepted
	http.Error(w, reason, http.StatusUnsupportedMediaType)
}
