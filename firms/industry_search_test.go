package firms

import (
	"slices"
	"strings"
	"testing"
)

func TestResolveIndustry(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		typed, code string
		problem     Problem
	}{
		{"3100", "3100", ""},
		{" 31 ", "31", ""},
		{"3100 – Sản xuất giường, tủ, bàn, ghế", "3100", ""}, // a choice of the list
		{"7020 - Management consultancy activities", "7020", ""},
		{"Sản xuất giường, tủ, bàn, ghế", "3100", ""}, // the class, not its namesake division
		{"san xuat giuong tu", "3100", ""},            // no diacritics, no commas
		{"SẢN XUẤT GIƯỜNG", "3100", ""},
		{"Manufacture of furniture", "3100", ""},
		{"management consultancy activities", "7020", ""},
		{"management consultancy", "", ErrVSICAmbiguous}, // 70 and 7020 say it both
		{"Quảng cáo", "7310", ""},                        // the exact name wins over "Quảng cáo và nghiên cứu thị trường"
		{"advertising and market", "73", ""},
		{"", "", ErrVSICRequired},
		{"   ", "", ErrVSICRequired},
		{"4000", "", ErrVSICUnknown}, // a forged code (there is no division 40)
		{"0", "", ErrVSICUnknown},
		{"123456", "", ErrVSICUnknown},
		{"4000 – Sản xuất giường", "", ErrVSICUnknown}, // a forged choice
		{"xyzzy plugh", "", ErrVSICNameUnknown},
		{"<script>", "", ErrVSICNameUnknown},
		{"!!!", "", ErrVSICNameUnknown},
		{"sản xuất", "", ErrVSICAmbiguous},
		{"giường tủ", "", ErrVSICAmbiguous}, // furniture, and wood products "except furniture"
		{"manufacture", "", ErrVSICAmbiguous},
		// Everyday words (synonyms.csv).
		{"gốm", "2393", ""},
		{"Gốm sứ", "2393", ""},
		{"nội thất", "3100", ""},
		{"noi that", "3100", ""},
		{"furniture", "3100", ""},
		{"may mặc", "1410", ""},
		{"nhựa", "2220", ""},
		{"phần mềm", "6201", ""},
		{"bao bì", "", ErrVSICAmbiguous}, // of wood, paper or plastic
		{"logistics", "", ErrVSICAmbiguous},
		// Diacritics typed are compared as typed; what only folding finds
		// is offered, never taken.
		{"thu gom", "38", ""},
		{"thu gốm", "", ErrVSICConfirm},
		{"gòm", "", ErrVSICConfirm},
	}
	for _, tc := range cases {
		t.Run(tc.typed, func(t *testing.T) {
			i, choices, p := ref.ResolveIndustry(VSICVersion2018, tc.typed)
			if i.Code != tc.code || p != tc.problem {
				t.Fatalf("ResolveIndustry(%q) = %q %q, want %q %q", tc.typed, i.Code, p, tc.code, tc.problem)
			}
			if (p == ErrVSICAmbiguous) != (len(choices) > 1) && p != ErrVSICConfirm || len(choices) > MaxIndustryChoices {
				t.Fatalf("%d choices for %q", len(choices), p)
			}
		})
	}
	_, choices, _ := ref.ResolveIndustry(VSICVersion2018, "sản xuất")
	for _, c := range choices {
		if !strings.HasPrefix(searchText(c.NameVI), "san xuat") && !strings.Contains(searchText(c.NameVI), " san xuat") {
			t.Errorf("choice %s %s does not match", c.Code, c.NameVI)
		}
	}
}

// ATTACK (eyes13 §1.1): a ceramics firm typed "gốm" and saved "38 – thu
// gom rác thải" without a question. Words with diacritics that no name
// holds as typed are never resolved silently to a name that holds them
// only without accents; the candidates are offered, with their names.
func TestDiacriticsAreNotFoldedSilently(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	for _, typed := range []string{"gốm", "GỐM", "gòm", "thu gốm", "gồm", "rác thái"} {
		i, choices, p := ref.ResolveIndustry(VSICVersion2018, typed)
		if i.Code == "38" {
			t.Errorf("%q saves 38 silently", typed)
		}
		if p == ErrVSICConfirm && (len(choices) == 0 || choices[0].NameVI == "") {
			t.Errorf("%q: a confirmation without names: %v", typed, choices)
		}
	}
	_, choices, p := ref.ResolveIndustry(VSICVersion2018, "thu gốm")
	if p != ErrVSICConfirm || len(choices) != 1 || choices[0].Code != "38" {
		t.Errorf("thu gốm: %q %v", p, choices)
	}
}

// Every everyday word names an industry of the embedded list (LoadReference
// refuses one that does not), and finds it.
func TestSynonymsNameListedIndustries(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	syns := ref.Synonyms()
	if len(syns) < 20 {
		t.Fatalf("%d synonyms", len(syns))
	}
	for _, syn := range syns {
		if _, ok := ref.Industry(syn.Version, syn.Code); !ok {
			t.Errorf("%q: %s is not in the list", syn.Word, syn.Code)
		}
		i, choices, p := ref.ResolveIndustry(syn.Version, syn.Word)
		if i.Code != syn.Code && !slices.ContainsFunc(choices, func(c Industry) bool { return c.Code == syn.Code }) {
			t.Errorf("%q finds %q %q %v, not %s", syn.Word, i.Code, p, choices, syn.Code)
		}
	}
}

func TestChoosableHoldsCodesOnly(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	got := ref.Choosable(VSICVersion2018)
	if len(got) != 88+59 {
		t.Fatalf("%d choosable industries", len(got))
	}
	for _, i := range got {
		if _, ok := ref.IndustryFor(VSICVersion2018, i.Code); !ok {
			t.Errorf("%s is offered but not accepted", i.Code)
		}
	}
}

// ATTACK: one search of many words, each compared with every name, is paid
// per keystroke by the size preview. Text over the bounds is refused before
// any comparison, whatever it holds; a code choice with a long tail is
// still the code's.
func TestIndustrySearchIsBounded(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	distinct33 := ""
	for i := range MaxIndustrySearchWords + 1 {
		distinct33 += string(rune('a'+i%26)) + string(rune('a'+i/26)) + " "
	}
	for name, typed := range map[string]string{
		"450,000 words":       strings.Repeat("s ", 450_000),
		"one byte too many":   strings.Repeat("x", MaxIndustrySearchBytes+1),
		"33 distinct words":   distinct33,
		"long in diacritics":  strings.Repeat("ữ", MaxIndustrySearchBytes/3+1),
		"long after a letter": "a" + strings.Repeat(" ", MaxIndustrySearchBytes) + "a",
	} {
		if _, choices, p := ref.ResolveIndustry(VSICVersion2018, typed); p != ErrVSICTooLong || choices != nil {
			t.Errorf("%s: %q, %d choices", name, p, len(choices))
		}
	}
	// A word repeated is one word: within the bytes, it is searched.
	if i, _, p := ref.ResolveIndustry(VSICVersion2018, strings.Repeat("Quảng cáo ", 17)); p != "" || i.Code != "7310" {
		t.Errorf("a repeated word: %q %q", i.Code, p)
	}
	if i, _, p := ref.ResolveIndustry(VSICVersion2018, "3100 – "+strings.Repeat("x ", 10_000)); p != "" || i.Code != "3100" {
		t.Errorf("a code choice with a long tail: %q %q", i.Code, p)
	}
}

// Every name of the list, pasted whole in either language, is within the
// search's bounds and finds an industry (a division and its class may
// share a name: the class is found).
func TestEveryIndustryNameIsSearchable(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range ref.Choosable(VSICVersion2018) {
		for _, name := range []string{ind.NameVI, ind.NameEN} {
			i, choices, p := ref.ResolveIndustry(VSICVersion2018, name)
			if p == ErrVSICTooLong {
				t.Errorf("%s %q (%d bytes) is too long to search", ind.Code, name, len(name))
				continue
			}
			if i.Code != ind.Code && !strings.HasPrefix(i.Code, ind.Code) && !slices.ContainsFunc(choices, func(c Industry) bool { return c.Code == ind.Code }) {
				t.Errorf("%s %q finds %q %q", ind.Code, name, i.Code, p)
			}
		}
	}
}
