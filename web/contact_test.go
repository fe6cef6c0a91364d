package web

import (
	"net/http"
	"testing"
)

// Every page links the contact page, which gives the Center's telephone
// and address as configured, in both languages; without an address it
// shows none rather than an empty link.
func TestContactPage(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.CenterPhone, c.CenterEmail = "1022", "chuyendoiso@example.gov.vn" })
	c := e.client()
	must(t, c.get("/"), http.StatusOK, `href="/contact"`, "Liên hệ Trung tâm")
	must(t, c.get("/contact"), http.StatusOK, `href="tel:1022"`, `href="mailto:chuyendoiso@example.gov.vn"`, "không bao giờ hỏi mật khẩu")
	must(t, c.get("/contact?lang=en"), http.StatusOK, "Hotline", "never asks for your password")
	bare := newEnv(t, func(c *Config) { c.CenterPhone = "1022" }).client()
	if r := bare.get("/contact"); r.status != http.StatusOK || contains(r.body, "mailto:") {
		t.Fatalf("without an address the page shows one: %d", r.status)
	}
}
