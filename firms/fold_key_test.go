package firms

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestKeyHoldsSubstring: for random names that open with zero to three
// legal forms (in any case, with diacritics, some with nothing after
// them), every substring of the folded name that KeyHoldsSubstring
// accepts is in the search key too; and it accepts enough of them for
// the member list's filter to gain from it.
func TestKeyHoldsSubstring(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 26))
	forms := []string{"Công ty TNHH", "CÔNG TY CỔ PHẦN", "Chi nhánh", "Công ty TNHH Một thành viên", "Hợp tác xã", "DNTN",
		"Doanh nghiệp tư nhân", "Công ty", "Hộ kinh doanh", "công ty cp"}
	words := []string{"Gỗ", "Đức", "Thành", "Công", "nghệ", "Tân", "Hiệp", "An", "Phát", "tyx", "nhân", "Hà", "thành-viên", "X2", "Ty", "Tư"}
	accepted := 0
	for range 3000 {
		var parts []string
		for range rng.IntN(4) {
			parts = append(parts, forms[rng.IntN(len(forms))])
		}
		for range rng.IntN(4) {
			parts = append(parts, words[rng.IntN(len(words))])
		}
		name := strings.Join(parts, " ")
		folded, key := Fold(name), SearchKey(name)
		if folded == "" {
			continue
		}
		i := rng.IntN(len(folded))
		if rng.IntN(2) == 0 { // from a word's start, as most searches are
			i = strings.LastIndexByte(folded[:i+1], ' ') + 1
		}
		j := i + 1 + rng.IntN(len(folded)-i)
		q := folded[i:j]
		if !KeyHoldsSubstring(q) {
			continue
		}
		accepted++
		if !strings.Contains(key, q) {
			t.Fatalf("%q: %q is in %q but not in its search key %q", name, q, folded, key)
		}
	}
	if accepted < 200 {
		t.Errorf("only %d of 3,000 substrings accepted: the test checks too little", accepted)
	}
}
