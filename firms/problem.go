// Package firms holds the enterprise registry's domain: tax codes (MST),
// size classes under Decree 80/2021, VSIC industry codes, wards and
// industrial parks, associations, and the rules that validate a firm.
//
// It is pure: no HTTP, no SQL, no templates. Errors that a user can cause are
// Problem values carrying an i18n message ID, translated at the edge.
package firms

// Problem is a user-correctable validation failure. Its value is the i18n
// message ID that explains it (for example "error.taxcode.checksum").
type Problem string

// Error returns the message ID, so a Problem can travel as an error.
func (p Problem) Error() string { return string(p) }

// Problems maps a form field name to the message ID of what is wrong with it.
// An empty map means the value is valid.
type Problems map[string]Problem

// Add records a problem for field unless one is already recorded, so the
// first (most basic) complaint about a field is the one shown.
func (ps Problems) Add(field string, p Problem) {
	if _, ok := ps[field]; !ok {
		ps[field] = p
	}
}
