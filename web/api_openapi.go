package web

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
)

// apiDocument is the feed's OpenAPI 3.1 document, written by hand: every
// endpoint, parameter, answer and the one error shape. The tests validate
// every answer they receive against it (api_test.go).
//
//go:embed api_openapi.json
var apiDocument []byte

// apiDocumentTag is the document's entity tag, from its content.
var apiDocumentTag = func() string {
	sum := sha256.Sum256(apiDocument)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// apiOpenAPI serves the OpenAPI document, to anyone: it holds no data.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	if _, _, err := apiQuery(r); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeAPIBody(w, r, apiBody{body: apiDocument, etag: apiDocumentTag})
}
