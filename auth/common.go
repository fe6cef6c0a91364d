package auth

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

// commonPasswords is the list of passwords attackers try first, one a line,
// lower case, '#' starting a comment: only entries of MinPasswordLen or more
// characters, since shorter ones fail on length anyway. How it was built:
// common_passwords.sh.
//
//go:embed common_passwords.txt
var commonPasswords string

var commonSet = sync.OnceValue(func() map[string]struct{} {
	m := map[string]struct{}{}
	for line := range strings.Lines(commonPasswords) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			m[line] = struct{}{}
		}
	}
	return m
})

// IsCommonPassword reports whether pw is on the embedded list of common
// passwords, ignoring case and white space at either end (people type
// "Matkhau123 " and "matkhau123" alike) and how its letters are composed
// (NormalizePassword: the list is NFC).
func IsCommonPassword(pw string) bool {
	_, ok := commonSet()[strings.ToLower(strings.TrimFunc(NormalizePassword(pw), unicode.IsSpace))]
	return ok
}

// CommonPasswordCount is how many passwords the list holds.
func CommonPasswordCount() int { return len(commonSet()) }
