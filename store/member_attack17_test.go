package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// TestAttack17MemberStatusWithOtherFilters: every status (and none)
// combined with a name or tax code query (and none) and a section, size
// or ward (and none), in every order and direction, pages the members
// FindMembers selects, with its count, whether paged from the matches' ids
// (the status probe, the name's ids) or by walking the order's index.
// The members' sections, sizes and wards are changed by hand so that the
// filters split them.
func TestAttack17MemberStatusWithOtherFilters(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	rng := rand.New(rand.NewPCG(17, 5))
	ids := randomMembers(t, s, fx, in, rng, 48)
	db := openRaw(t, s)
	for i, id := range ids {
		if _, err := db.Exec(`UPDATE firms SET section = ?, size_class = ?, ward_code = ? WHERE id = ?`,
			[]string{"C", "G"}[i%2], []string{"micro", "small", "medium"}[i%3], []string{"25760", "25813"}[i/2%2], id); err != nil {
			t.Fatal(err)
		}
	}
	type cut struct{ section, size, ward string }
	cuts := []cut{{}, {section: "G"}, {size: "small"}, {ward: "25813"}, {"C", "micro", "25760"}}
	checked := 0
	for si, status := range []string{"", store.MemberNotStarted, store.MemberDraft, store.MemberSubmitted} {
		for qi, q := range []string{"", "gỗ an", "binh", "38000"} {
			for ci, c := range cuts {
				for oi, sort := range store.MemberSorts {
					for di, desc := range []bool{false, true} {
						if !storetest.Sampled(si, qi, ci, oi, di) { // a quarter under the race detector
							continue
						}
						f := store.MemberFilter{AssociationID: fx.Wood.ID, Status: status, Query: q, Section: c.section, Size: c.size,
							Ward: c.ward, Sort: sort, Desc: desc, Limit: 3}
						whole := f
						whole.Limit = 0
						want, _, err := s.FindMembers(ctx, whole)
						if err != nil {
							t.Fatal(err)
						}
						byID := memberFilterPages(t, s, f, len(want))
						restore := store.SetFewMembers(0)
						walked := memberFilterPages(t, s, f, len(want))
						restore()
						if !slices.Equal(byID, walked) || !slices.Equal(byID, memberIDs(want)) {
							t.Fatalf("%+v: by id %v, walked %v, want %v", f, byID, walked, memberIDs(want))
						}
						if len(want) > 0 {
							checked++
						}
					}
				}
			}
		}
	}
	if checked < storetest.Iterations(100) {
		t.Fatalf("only %d filters matched any member; the test needs more", checked)
	}
}

// TestAttack17MemberStatusChangesBetweenPages: members start drafts and
// submit between the pages of a status-filtered list. Each page read by
// the matches' ids must be the page read by walking the order's index
// from the same cursor, and no member may show with another status than
// the filter's, nor twice while leaving the status is its only change (a
// submitted member that submits again has a new score and quarter, moves
// in the order and may rightly show again on a later page).
func TestAttack17MemberStatusChangesBetweenPages(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	rng := rand.New(rand.NewPCG(17, 6))
	randomMembers(t, s, fx, in, rng, 40)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rng}
	for _, status := range []string{store.MemberNotStarted, store.MemberDraft, store.MemberSubmitted} {
		for _, sort := range store.MemberSorts {
			for _, desc := range []bool{false, true} {
				f := store.MemberFilter{AssociationID: fx.Wood.ID, Status: status, Sort: sort, Desc: desc, Limit: 3}
				seen := map[int64]bool{}
				for page := 0; ; page++ {
					p, err := s.PageMembers(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					restore := store.SetFewMembers(0)
					walked, err := s.PageMembers(ctx, f)
					restore()
					if err != nil {
						t.Fatal(err)
					}
					label := fmt.Sprintf("%s by %s desc=%v page %d", status, sort, desc, page)
					if !slices.Equal(memberIDs(p.Members), memberIDs(walked.Members)) || p.Next != walked.Next || p.Count != walked.Count {
						t.Fatalf("%s: by id %v (next %q, %+v), walked %v (next %q, %+v)", label, memberIDs(p.Members), p.Next, p.Count,
							memberIDs(walked.Members), walked.Next, walked.Count)
					}
					for _, m := range p.Members {
						if seen[m.FirmID] && status != store.MemberSubmitted || m.Status != status {
							t.Fatalf("%s: firm %d shown twice (%v) or as %s", label, m.FirmID, seen[m.FirmID], m.Status)
						}
						seen[m.FirmID] = true
					}
					if f.Cursor = p.Next; f.Cursor == "" || page > 20 {
						break
					}
					// A member of the list, on this page or a later one, changes status.
					all, _, err := s.FindMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Status: status})
					if err != nil || len(all) == 0 {
						t.Fatalf("%s: %v", label, err)
					}
					firm := all[rng.IntN(len(all))].FirmID
					switch status {
					case store.MemberNotStarted:
						_, err = s.Draft(ctx, firm, in, survey.Profile{Section: "C", Size: "micro"}, 0)
					default:
						w.submitOnce(firm)
					}
					if err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
}
