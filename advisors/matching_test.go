package advisors

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func advisor(id int64, mod func(*Profile)) Profile {
	p := Profile{ID: id, Name: fmt.Sprintf("A%d", id), Languages: []string{"vi"}, Online: true, WeeklyCapacity: 10, Active: true}
	if mod != nil {
		mod(&p)
	}
	return p
}

func ids(ss []Suggestion) []int64 {
	var out []int64
	for _, s := range ss {
		out = append(out, s.Advisor.ID)
	}
	return out
}

func TestRank(t *testing.T) {
	wood := int64(1)
	need := Need{Weakest: []string{"data", "operations", "culture"}, Section: "C", Associations: []int64{wood}, Language: "vi"}
	data := advisor(1, func(p *Profile) { p.Pillars = []string{"data"} })
	woodData := advisor(2, func(p *Profile) { p.Pillars = []string{"data"}; p.Associations = []int64{wood} })
	culture := advisor(3, func(p *Profile) { p.Pillars = []string{"culture"}; p.Sections = []string{"C"} })
	korean := advisor(4, func(p *Profile) { p.Languages = []string{"ko", "en"}; p.Pillars = []string{"data", "operations"} })
	off := advisor(5, func(p *Profile) { p.Pillars = []string{"data"}; p.Associations = []int64{wood}; p.Active = false })
	onsiteOnly := advisor(6, func(p *Profile) { p.Online = false; p.OnSite = true; p.Pillars = []string{"data"} })
	all := []Profile{data, woodData, culture, korean, off, onsiteOnly}
	for _, tc := range []struct {
		name    string
		need    func(Need) Need
		loads   map[int64]Load
		want    []int64
		reasons []Reason // of the first suggestion
	}{
		{"association and weakest pillar first; disabled and on-site-only left out", nil, nil,
			[]int64{2, 1, 3, 4}, []Reason{{ReasonAssociation, "1"}, {ReasonPillar, "data"}}},
		{"a Korean firm gets the Korean speaker", func(n Need) Need { n.Language = "ko"; n.Associations = nil; return n }, nil,
			[]int64{4, 1, 2, 3}, []Reason{{ReasonPillar, "data"}, {ReasonLanguage, "ko"}}},
		{"a visit: only advisors who visit", func(n Need) Need { n.OnSite = true; n.Ward = "25747"; return n }, nil,
			[]int64{6}, []Reason{{ReasonPillar, "data"}, {ReasonArea, "25747"}}},
		{"a full advisor goes after an equally fitting one with room", nil,
			map[int64]Load{2: {ThisWeek: 10}}, []int64{2, 1, 3, 4}, nil},
		{"nothing in common: the reason is room", func(Need) Need { return Need{Language: "en"} }, nil,
			[]int64{4, 1, 2, 3}, []Reason{{ReasonLanguage, "en"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := need
			if tc.need != nil {
				n = tc.need(n)
			}
			got := Rank(n, all, tc.loads)
			if fmt.Sprint(ids(got)) != fmt.Sprint(tc.want) {
				t.Fatalf("order %v, want %v", ids(got), tc.want)
			}
			if tc.reasons != nil && fmt.Sprint(got[0].Reasons) != fmt.Sprint(tc.reasons) {
				t.Fatalf("reasons %v, want %v", got[0].Reasons, tc.reasons)
			}
		})
	}
	// Fit beats room: the wood advisor stays first even when full, but says so.
	got := Rank(need, all, map[int64]Load{2: {ThisWeek: 10}})
	if !got[0].Full || got[1].Full {
		t.Fatalf("full flags: %+v", got[:2])
	}
	// Without a better fit, the reason is that the advisor has room.
	if r := Rank(Need{}, []Profile{data}, nil)[0].Reasons; len(r) != 1 || r[0].Kind != ReasonAvailable {
		t.Fatalf("reasons: %v", r)
	}
}

func TestRankBreaksTiesByLoad(t *testing.T) {
	a, b, c := advisor(1, nil), advisor(2, nil), advisor(3, func(p *Profile) { p.WeeklyCapacity = 20 })
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		loads map[int64]Load
		want  []int64
	}{
		{nil, []int64{1, 2, 3}}, // nobody booked: by ID
		{map[int64]Load{1: {ThisWeek: 1, LastBooked: t0}}, []int64{2, 3, 1}},
		// 4 of 20 is less of c's week than 3 of 10 is of b's.
		{map[int64]Load{1: {ThisWeek: 3}, 2: {ThisWeek: 3}, 3: {ThisWeek: 4}}, []int64{3, 1, 2}},
		// Same share: the least recently booked first.
		{map[int64]Load{1: {ThisWeek: 2, LastBooked: t0.Add(time.Hour)}, 2: {ThisWeek: 2, LastBooked: t0}, 3: {ThisWeek: 4, LastBooked: t0.Add(2 * time.Hour)}}, []int64{2, 1, 3}},
	} {
		if got := ids(Rank(Need{}, []Profile{a, b, c}, tc.loads)); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("loads %v: %v, want %v", tc.loads, got, tc.want)
		}
	}
}

// 10,000 firms each book the first suggestion. Equally qualified advisors
// with equal capacity end up with loads within 10% of each other, and one
// with twice the capacity takes about twice the share.
func TestSimulatedBookingsShareTheLoad(t *testing.T) {
	var profiles []Profile
	for i := range int64(8) {
		profiles = append(profiles, advisor(i+1, func(p *Profile) {
			p.Pillars = []string{"data", "operations"}
			p.Associations = []int64{1}
		}))
	}
	profiles = append(profiles, advisor(9, func(p *Profile) { p.Pillars = []string{"strategy"} }))
	loads := map[int64]Load{}
	total := map[int64]int{}
	clock := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
	const perWeek = 70 // less than the 80 slots a week of the eight
	for i := range 10_000 {
		if i%perWeek == 0 && i > 0 { // a new week
			clock = clock.AddDate(0, 0, 7)
			for id, l := range loads {
				l.ThisWeek = 0
				loads[id] = l
			}
		}
		clock = clock.Add(time.Minute)
		need := Need{Weakest: []string{[]string{"data", "operations"}[i%2]}, Associations: []int64{1}, Language: "vi"}
		best := Rank(need, profiles, loads)[0].Advisor.ID
		l := loads[best]
		l.ThisWeek++
		l.LastBooked = clock
		loads[best] = l
		total[best]++
	}
	lo, hi := 10_000, 0
	for id := int64(1); id <= 8; id++ {
		lo, hi = min(lo, total[id]), max(hi, total[id])
	}
	if total[9] != 0 || float64(hi-lo) > 0.1*float64(lo) {
		t.Fatalf("loads %v: spread %d–%d", total, lo, hi)
	}
	t.Logf("loads of eight equal advisors: %d–%d of 10,000", lo, hi)

	// Weighted: the same eight, one with capacity 20 against 10.
	profiles[0].WeeklyCapacity = 20
	loads, total = map[int64]Load{}, map[int64]int{}
	for i := range 10_000 {
		if i%perWeek == 0 {
			for id, l := range loads {
				l.ThisWeek = 0
				loads[id] = l
			}
		}
		clock = clock.Add(time.Minute)
		best := Rank(Need{Weakest: []string{"data"}, Language: "vi"}, profiles, loads)[0].Advisor.ID
		l := loads[best]
		l.ThisWeek++
		l.LastBooked = clock
		loads[best] = l
		total[best]++
	}
	// 70 bookings a week do not split exactly 2:1 (14 and 8 each, 1.75).
	if r := float64(total[1]) / float64(total[2]); r < 1.6 || r > 2.2 {
		t.Fatalf("capacity 20 against 10 took %d against %d", total[1], total[2])
	}
}

// eyes13 §2.1: three cards said "your weakest pillar" of three different
// pillars. The reason names the pillar's true rank among the firm's
// weakest: only the weakest is "weakest".
func TestPillarReasonSaysItsRank(t *testing.T) {
	need := Need{Weakest: []string{"infra", "data", "customer"}, Language: "vi"}
	for want, pillars := range map[string][]string{
		ReasonPillar:  {"infra", "customer"},
		ReasonPillar2: {"data", "customer"},
		ReasonPillar3: {"customer"},
	} {
		_, rs := fit(need, advisor(1, func(p *Profile) { p.Pillars = pillars }))
		if len(rs) == 0 || rs[0].Kind != want || rs[0].Value != need.Weakest[slices.Index(pillarReasons[:], want)] {
			t.Errorf("advisor of %v: %v, want %s", pillars, rs, want)
		}
	}
}
