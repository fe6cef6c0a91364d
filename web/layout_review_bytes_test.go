package web

import (
	"bytes"
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"

	"dxready/locale"
)

// randomReviewBytes is a string of random bytes and runes: every ASCII byte,
// high bytes alone (broken UTF-8), and runes html/template treats apart.
func randomReviewBytes(rng *rand.Rand) string {
	pool := []string{"\uFDD0", "\uFFFE", "\uFFFD", "\u2028", "é", "ệ", "dxrv", "dxrv00000k", "987654321098765433", "dxslot99c", "javascript:", "%41", "%z"}
	var b strings.Builder
	for range rng.IntN(14) {
		switch rng.IntN(4) {
		case 0:
			b.WriteByte(byte(rng.IntN(128)))
		case 1:
			b.WriteByte(byte(128 + rng.IntN(128)))
		default:
			b.WriteString(pool[rng.IntN(len(pool))])
		}
	}
	return b.String()
}

func TestReviewPiecesRandomBytes(t *testing.T) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 3000 {
		l := locale.Languages[i%len(locale.Languages)]
		tmpl := mustPage(t, e.web.pages, l, "assessment_review")
		p := randomReviewPage(rng, l)
		v := func() string { return randomReviewBytes(rng) }
		p.Version = v()
		for j := range p.Unanswered {
			p.Unanswered[j] = unansweredView{Pillar: v(), Text: v(), URL: v()}
		}
		for j := range p.Pillars {
			p.Pillars[j].ID, p.Pillars[j].Name = v(), v()
			if p.Pillars[j].Markup != "" {
				p.Pillars[j].Markup = template.HTML(v())
			}
		}
		for j := range p.Changes {
			p.Changes[j] = changeView{When: v(), Who: v(), Question: v(), Answer: v()}
		}
		if len(e.web.reviewFrames.kept[l]) >= maxReviewShapes { // full: further shapes would render whole
			e.web.reviewFrames = newReviewFrames(e.web.cfg.Bundle)
		}
		var got, want bytes.Buffer
		done, err := e.web.reviewFrames.write(&got, l, tmpl, &p)
		if err != nil || !done {
			t.Fatalf("page %d: not joined: %v", i, err)
		}
		if err := tmpl.ExecuteTemplate(&want, "content", p); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("page %d in %s differs:\n%s", i, l, firstDifference(got.String(), want.String()))
		}
	}
}
