package locale

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// catalogueTexts reads every message text of lang from the embedded
// catalogue, plural forms included.
func catalogueTexts(t *testing.T, lang string) map[string][]string {
	t.Helper()
	data, err := fs.ReadFile(localeFS, "locales/active."+lang+".toml")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for id, v := range raw {
		switch m := v.(type) {
		case string:
			out[id] = []string{m}
		case map[string]any:
			for _, form := range m {
				if s, ok := form.(string); ok {
					out[id] = append(out[id], s)
				}
			}
		default:
			t.Fatalf("%s:%s has an unexpected shape %T", lang, id, v)
		}
	}
	return out
}

// Every message of both catalogues uses the glossary's term, never a
// variant it avoids; each term is in use, so the glossary does not drift
// from the catalogues.
func TestCataloguesFollowGlossary(t *testing.T) {
	b := load(t)
	terms := b.Glossary()
	if len(terms) < 10 {
		t.Fatalf("glossary has %d terms", len(terms))
	}
	for _, lang := range Languages {
		texts := catalogueTexts(t, lang)
		for _, v := range GlossaryViolations(terms, lang, texts) {
			t.Error(v)
		}
		for _, term := range terms {
			if !usedAnywhere(texts, term.Name(lang)) {
				t.Errorf("%s: glossary term %q appears in no message", lang, term.Name(lang))
			}
		}
	}
}

func usedAnywhere(texts map[string][]string, word string) bool {
	w := fold(word)
	for _, ss := range texts {
		for _, s := range ss {
			if strings.Contains(fold(s), w) {
				return true
			}
		}
	}
	return false
}

// The check flags each variant the walkthrough found, whole words only,
// whatever the case or Unicode form, and spares the allowed messages.
func TestGlossaryFlagsVariants(t *testing.T) {
	terms := load(t).Glossary()
	vi := map[string][]string{
		"a":               {"Điểm tổng: 63,9"},
		"b":               {"Bình quân toàn tỉnh"},
		"c":               {"Hủy buổi tư vấn"},
		"d":               {"Hiệp hội ngành hàng"},
		"e":               {"Gửi lãnh đạo hiệp hội"},
		"f":               {"Hu\u1ef7 đơn", "Thủy sản"},  // the preferred form; "thủy" holds "hủy" but is another word
		"g":               {"Hu\u0079\u0309 ngay"},       // "huỷ" decomposed: preferred, not flagged
		"h":               {"H\u0075\u0309y ngay"},       // "hủy" decomposed: flagged after NFC
		"field.employees": {"Số lao động bình quân năm"}, // allowed: the decree's term
	}
	got := strings.Join(GlossaryViolations(terms, VI, vi), "\n")
	for _, id := range []string{"vi:a ", "vi:b ", "vi:c ", "vi:d ", "vi:e ", "vi:h "} {
		if !strings.Contains(got, id) {
			t.Errorf("%s not flagged in:\n%s", id, got)
		}
	}
	for _, id := range []string{"vi:f ", "vi:g ", "vi:field.employees "} {
		if strings.Contains(got, id) {
			t.Errorf("%s flagged wrongly in:\n%s", id, got)
		}
	}
	en := map[string][]string{"x": {"Please Log In again"}, "y": {"a blogin page"}}
	if got := GlossaryViolations(terms, EN, en); len(got) != 1 || !strings.HasPrefix(got[0], "en:x ") {
		t.Errorf("en: %v", got)
	}
}

// A glossary term without a definition in one language is refused at load.
func TestGlossaryNeedsBothLanguages(t *testing.T) {
	_, err := parseGlossary([]byte("[[term]]\nvi = \"mức\"\nen = \"level\"\nvi_def = \"x\"\n"))
	if err == nil {
		t.Fatal("a term without an English definition loaded")
	}
	if _, err := parseGlossary([]byte("[[term]]\nvi = \"a\"\nen = \"b\"\nvi_def = \"x\"\nen_def = \"y\"\nvi_avoidd = [\"z\"]\n")); err == nil {
		t.Fatal("a misspelt field loaded")
	}
}

// Vietnamese messages put the tone mark the new way in oa, oe and uy
// (hoá, khoá, huỷ): the walkthrough found "Hủy" beside "huỷ".
func TestVietnameseTonePlacement(t *testing.T) {
	for id, ss := range catalogueTexts(t, VI) {
		for _, s := range ss {
			if old := OldTonePlacements(s); len(old) > 0 {
				t.Errorf("vi:%s writes %v the old way (hoá, khoá, huỷ, tuỳ)", id, old)
			}
		}
	}
	got := OldTonePlacements("Hủy hóa đơn, xoá khoản, thủy sản, hoàn tất, Tùy chọn, khóa")
	want := []string{"Hủy", "hóa", "thủy", "Tùy", "khóa"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("OldTonePlacements = %v, want %v", got, want)
	}
}
