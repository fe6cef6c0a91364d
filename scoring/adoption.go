package scoring

import (
	"slices"

	"dxready/survey"
)

// Adoption is a yes-or-no fact about a firm read from one answer of its
// result: whether it uses cloud services, sells online, and the like. Open
// data publishes the share of assessed firms for which it holds; it lives
// here, beside the score, because it is read from the same answers by the
// same rule wherever it is counted (the cells, the tests' recount).
type Adoption struct {
	ID       string   // stable: part of open data's indicator IDs and URLs
	Question string   // the question it is read from
	AnyOf    []string // the options that count as adopted
	// MinChosen, for a question of several choices, is how many of AnyOf
	// must be chosen (one when zero).
	MinChosen int
}

// AdoptionSlots is how many adoption facts a result can carry: the cells
// count each in a fixed slot, so an instrument may define at most this many.
const AdoptionSlots = 8

// adoptions are each instrument's facts, by instrument ID (not version: a
// new version that keeps the questions keeps the series). The first
// instrument asks no question about e-invoices (compulsory for every firm
// since July 2022, Decree 123/2020/NĐ-CP, so the answer would tell little)
// nor about digital signatures alone: they are asked together with
// electronic documents (op.documents).
var adoptions = map[string][]Adoption{
	"dbi-2021": {
		{ID: "accounting-software", Question: "op.accounting", AnyOf: []string{"partial", "full", "integrated"}},
		{ID: "e-documents-signatures", Question: "op.documents", AnyOf: []string{"partial", "full", "integrated"}},
		{ID: "online-sales", Question: "cx.online_sales", AnyOf: []string{"lt10", "10to30", "30to60", "gt60"}},
		{ID: "cloud-services", Question: "inf.cloud", AnyOf: []string{"partial", "full", "integrated"}},
		{ID: "security-three-measures", Question: "inf.security", MinChosen: 3,
			AnyOf: []string{"antivirus", "firewall", "backup_tested", "mfa", "roles", "training"}},
		{ID: "two-factor-authentication", Question: "inf.security", AnyOf: []string{"mfa"}},
		{ID: "personal-data-review", Question: "da.personal_data", AnyOf: []string{"yes"}},
		{ID: "website-updated-monthly", Question: "cx.website", AnyOf: []string{"monthly", "weekly", "daily"}},
	},
}

// Adoptions returns the adoption facts of instrument ID id, in slot order;
// nil for an instrument that defines none.
func Adoptions(id string) []Adoption { return adoptions[id] }

// AdoptionQuestions lists the questions any instrument's facts read, so a
// reader of answers fetches those only.
func AdoptionQuestions() []string {
	var qs []string
	for _, list := range adoptions {
		for _, a := range list {
			if !slices.Contains(qs, a.Question) {
				qs = append(qs, a.Question)
			}
		}
	}
	slices.Sort(qs)
	return qs
}

// AdoptionBits returns, bit i for slot i, which of instrument id's facts
// the answers (question → chosen options) show. A question not answered,
// or answered "not applicable", is not adopted.
func AdoptionBits(id string, answers map[string][]string) uint8 {
	var bits uint8
	for i, a := range adoptions[id] {
		if a.holds(answers[a.Question]) {
			bits |= 1 << i
		}
	}
	return bits
}

func (a Adoption) holds(chosen []string) bool {
	n := 0
	for _, o := range chosen {
		if o != survey.NotApplicable && slices.Contains(a.AnyOf, o) {
			n++
		}
	}
	return n >= max(1, a.MinChosen)
}
