package web

import (
	"strings"
	"testing"

	"dxready/advisors"
	"dxready/store/storetest"
)

// eyes13 §2.1: cards said "your weakest pillar" of three different
// pillars. Each card words the rank the matcher found: only the weakest
// is "weakest", in both languages.
func TestAdvisorReasonNamesThePillarsRank(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	pl := in.Pillars[0]
	for _, tc := range []struct{ kind, lang, says, never string }{
		{advisors.ReasonPillar, "en", "your weakest pillar: " + pl.Name.In("en"), "one of"},
		{advisors.ReasonPillar2, "en", "one of your two weakest pillars: " + pl.Name.In("en"), "your weakest pillar"},
		{advisors.ReasonPillar3, "en", "one of your three weakest pillars: " + pl.Name.In("en"), "your weakest pillar"},
		{advisors.ReasonPillar2, "vi", "một trong hai trụ cột yếu nhất của bạn: " + pl.Name.In("vi"), "Vì sao: trụ cột yếu nhất"},
	} {
		got := e.web.reasonText([]advisors.Reason{{Kind: tc.kind, Value: pl.ID}}, nil, e.web.bundle.For(tc.lang), tc.lang, in)
		if !strings.Contains(got, tc.says) || strings.Contains(got, tc.never) {
			t.Errorf("%s in %s: %q", tc.kind, tc.lang, got)
		}
	}
}
