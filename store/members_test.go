package store_test

import (
	"errors"
	"testing"

	"dxready/firms"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

func TestMembersShowScoresOnlyWhenShared(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	if _, err := s.Draft(ctx, fx.NoiThat.ID, in, survey.Profile{Section: "C", Size: "micro"}, 0); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{ids[0], ids[2]} {
		if err := s.SetSharing(ctx, id, fx.Wood.ID, true, 0); err != nil {
			t.Fatal(err)
		}
	}
	f := store.MemberFilter{AssociationID: fx.Wood.ID, Pillars: []string{"customer", "strategy"}}
	all, total, err := s.FindMembers(ctx, f)
	if err != nil || total != 9 || len(all) != 9 {
		t.Fatalf("members: %d of %d, %v", len(all), total, err)
	}
	byID := map[int64]store.Member{}
	for _, m := range all {
		byID[m.FirmID] = m
	}
	if m := byID[ids[2]]; !m.Shared || m.Status != store.MemberSubmitted || m.Overall != 30 || m.Level != 2 ||
		!m.Pillars[0].Valid || m.Pillars[0].Float64 != 30 || m.Pillars[1].Valid {
		t.Fatalf("shared member: %+v", m)
	}
	if m := byID[ids[1]]; m.Shared || m.Status != store.MemberSubmitted || m.Overall != 0 || m.Level != 0 || m.Pillars[0].Valid ||
		!m.SubmittedAt.IsZero() || m.Quarter != (scoring.Quarter{Year: 2026, Q: 4}) {
		t.Fatalf("a member that does not share shows scores or its day: %+v", m)
	}
	if m := byID[ids[2]]; m.SubmittedAt.IsZero() || m.Quarter != (scoring.Quarter{Year: 2026, Q: 4}) {
		t.Fatalf("a sharing member's day: %+v", m)
	}
	if m := byID[fx.NoiThat.ID]; m.Status != store.MemberDraft || m.HasAccount {
		t.Fatalf("drafting member: %+v", m)
	}
	if m := byID[fx.GoDuc.ID]; m.Status != store.MemberNotStarted || !m.HasAccount {
		t.Fatalf("member not started: %+v", m)
	}
	// Ordering by score puts shared scores first, highest first; the rest by name.
	f.Sort, f.Desc = "score", true
	bySc, _, _ := s.FindMembers(ctx, f)
	if bySc[0].FirmID != ids[2] || bySc[1].FirmID != ids[0] || bySc[2].Shared {
		t.Fatalf("by score: %v %v %v", bySc[0].Name, bySc[1].Name, bySc[2].Name)
	}
	// A page of that order is the same slice of it.
	f.Limit, f.Offset = 2, 1
	if pg, total, _ := s.FindMembers(ctx, f); len(pg) != 2 || total != 9 || pg[0].FirmID != bySc[1].FirmID || pg[1].FirmID != bySc[2].FirmID {
		t.Fatalf("page of the score order: %+v (total %d)", pg, total)
	}
	f.Sort, f.Desc, f.Limit, f.Offset = "status", false, 3, 0
	if pg, _, _ := s.FindMembers(ctx, f); len(pg) != 3 || pg[0].Status != store.MemberNotStarted || pg[1].Status != store.MemberDraft || pg[2].Status != store.MemberSubmitted {
		t.Fatalf("page of the status order: %+v", pg)
	}
	f.Limit = 0
	for _, tc := range []struct {
		name string
		f    store.MemberFilter
		want int
	}{
		{"not started", store.MemberFilter{Status: store.MemberNotStarted}, 1},
		{"draft", store.MemberFilter{Status: store.MemberDraft}, 1},
		{"submitted", store.MemberFilter{Status: store.MemberSubmitted}, 7},
		{"name without marks", store.MemberFilter{Query: "go a"}, 1},
		{"tax code prefix", store.MemberFilter{Query: "3709000"}, 2},
		{"like wildcards are literal", store.MemberFilter{Query: "%"}, 0},
		{"ward (two of the seven and Gỗ Đức)", store.MemberFilter{Ward: "25760"}, 3},
		{"page", store.MemberFilter{Limit: 4, Offset: 8}, 1},
	} {
		tc.f.AssociationID = fx.Wood.ID
		got, total, err := s.FindMembers(ctx, tc.f)
		if err != nil || len(got) != tc.want || (tc.f.Limit == 0 && total != tc.want) || (tc.f.Limit > 0 && total != 9) {
			t.Errorf("%s: %d rows, total %d, %v; want %d", tc.name, len(got), total, err, tc.want)
		}
	}
	// Withdrawing takes effect at the next read.
	if err := s.SetSharing(ctx, ids[2], fx.Wood.ID, false, 0); err != nil {
		t.Fatal(err)
	}
	after, _, _ := s.FindMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Query: "go c", Pillars: []string{"customer"}})
	if len(after) != 1 || after[0].Shared || after[0].Overall != 0 || after[0].Pillars[0].Valid {
		t.Fatalf("after withdrawal: %+v", after)
	}
	if sh, _ := s.SharingFirms(ctx, fx.Wood.ID); len(sh) != 1 || !sh[ids[0]] {
		t.Fatalf("sharing firms: %v", sh)
	}
	// Only a member can share with an association.
	if err := s.SetSharing(ctx, fx.Kho.ID, fx.Wood.ID, true, 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a non-member shared: %v", err)
	}
}

// A membership list is written all or nothing; replacing ends the
// memberships (and sharing) of firms not on it.
func TestImportMemberships(t *testing.T) {
	s, fx := storetest.Open(t)
	s.SetSharing(ctx, fx.NoiThat.ID, fx.Wood.ID, true, 0)
	bad := []firms.MemberLine{{Line: 2, TaxCode: fx.Kho.TaxCode}, {Line: 3, TaxCode: "3709999995"}}
	res, err := s.ImportMemberships(ctx, fx.Wood.ID, bad, false)
	if err != nil || len(res.Errors) != 1 || res.Errors[0].Line != 3 || res.Added != 0 {
		t.Fatalf("bad list: %+v, %v", res, err)
	}
	if got, _, _ := s.FindMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID}); len(got) != 2 {
		t.Fatalf("a rejected list wrote %d members", len(got))
	}
	good := []firms.MemberLine{{Line: 2, TaxCode: fx.Kho.TaxCode}, {Line: 3, TaxCode: fx.GoDuc.TaxCode}}
	res, err = s.ImportMemberships(ctx, fx.Wood.ID, good, true)
	if err != nil || res.Added != 1 || res.Kept != 1 || res.Removed != 1 || len(res.Errors) != 0 {
		t.Fatalf("replace: %+v, %v", res, err)
	}
	if sh, _ := s.SharingFirms(ctx, fx.Wood.ID); len(sh) != 0 {
		t.Fatalf("a removed member still shares: %v", sh)
	}
	if err := s.AssignLead(ctx, fx.Lead.ID, fx.Logistics.ID); err != nil {
		t.Fatal(err)
	}
	if leads, _ := s.Leads(ctx, fx.Logistics.ID); len(leads) != 1 || leads[0].ID != fx.Lead.ID {
		t.Fatalf("leads: %v", leads)
	}
	if err := s.AssignLead(ctx, fx.FirmUser.ID, fx.Logistics.ID); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a firm user became a lead: %v", err)
	}
}
