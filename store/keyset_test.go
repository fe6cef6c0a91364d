package store_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// randomMembers adds n firms to the wood association with names, scores,
// dates, drafts and sharing drawn from small sets, so that every sort key
// has many ties: only the id then tells rows apart.
func randomMembers(t *testing.T, s *store.Store, fx *storetest.Fixtures, in *survey.Instrument, rng *rand.Rand, n int) []int64 {
	t.Helper()
	names := []string{"Công ty TNHH Gỗ An", "Công ty Cổ phần Gỗ An", "Gỗ Bình", "Công ty Nội thất Cường", "Doanh nghiệp tư nhân Dũng"}
	var fs []*firms.Firm
	for i := range n {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(380000000+i*10), names[rng.IntN(len(names))]
		fs = append(fs, &f)
	}
	if err := s.CreateFirms(ctx, fs); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	var subs []store.PastSubmission
	days := []time.Time{storetest.Clock.Add(-time.Hour), storetest.Clock.Add(-24 * time.Hour), time.Date(2025, 6, 1, 3, 0, 0, 0, time.UTC)}
	for _, f := range fs {
		ids = append(ids, f.ID)
		if rng.IntN(3) > 0 {
			overall := float64(10 * rng.IntN(4))
			subs = append(subs, store.PastSubmission{FirmID: f.ID, SubmittedAt: days[rng.IntN(len(days))],
				Result: scoring.Result{Instrument: in.Key(), Overall: overall, Level: 1, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: overall, Scored: true}}}})
		}
	}
	if err := s.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, ids); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if rng.IntN(4) == 0 {
			if _, err := s.Draft(ctx, id, in, survey.Profile{Section: "C", Size: "micro"}, 0); err != nil {
				t.Fatal(err)
			}
		}
		if rng.IntN(2) == 0 {
			if err := s.SetSharing(ctx, id, fx.Wood.ID, true, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ids
}

// walk follows a list's Next links from the first page to the end, then
// its Prev links back to the start, and returns the ids met each way (the
// way back in list order).
func walk(t *testing.T, page func(cursor string) ([]int64, store.Links, error)) (fwd, bwd []int64) {
	t.Helper()
	ids, l, err := page("")
	for steps := 0; ; steps++ {
		if err != nil || steps > 1000 {
			t.Fatalf("page %d: %v", steps, err)
		}
		fwd = append(fwd, ids...)
		if l.Next == "" {
			break
		}
		ids, l, err = page(l.Next)
	}
	for steps := 0; ; steps++ {
		bwd = append(slices.Clone(ids), bwd...)
		if l.Prev == "" {
			break
		}
		if ids, l, err = page(l.Prev); err != nil || steps > 1000 {
			t.Fatalf("page back %d: %v", steps, err)
		}
	}
	return fwd, bwd
}

func memberIDs(ms []store.Member) []int64 {
	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.FirmID)
	}
	return ids
}

// TestMemberPagesCoverEveryRowOnce: for random members with ties in every
// sort key, following the pages forward and back in each order and
// direction, with page sizes that do and do not divide the list, meets
// every member exactly once, in the order of the whole list.
func TestMemberPagesCoverEveryRowOnce(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		s, fx := storetest.Open(t)
		in := storetest.Instrument(t)
		randomMembers(t, s, fx, in, rand.New(rand.NewPCG(seed, 14)), 60)
		for _, sort := range store.MemberSorts {
			for _, desc := range []bool{false, true} {
				for _, q := range []string{"", "go"} {
					f := store.MemberFilter{AssociationID: fx.Wood.ID, Sort: sort, Desc: desc, Query: q}
					var all []store.Member
					if err := s.EachMember(ctx, f, func(m store.Member) error { all = append(all, m); return nil }); err != nil {
						t.Fatal(err)
					}
					want := memberIDs(all)
					for _, limit := range []int{3, 7, 23} {
						name := fmt.Sprintf("seed %d, %s desc=%v q=%q, %d a page", seed, sort, desc, q, limit)
						fwd, bwd := walk(t, func(c string) ([]int64, store.Links, error) {
							f := f
							f.Limit, f.Cursor = limit, c
							p, err := s.PageMembers(ctx, f)
							if err == nil && p.Count.N != len(want) {
								t.Fatalf("%s: count %d, want %d", name, p.Count.N, len(want))
							}
							return memberIDs(p.Members), p.Links, err
						})
						if !slices.Equal(fwd, want) || !slices.Equal(bwd, want) {
							t.Fatalf("%s:\nforward %v\nback    %v\nwant    %v", name, fwd, bwd, want)
						}
					}
				}
			}
		}
	}
}

func firmIDs(fs []*firms.Firm) []int64 {
	var ids []int64
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	return ids
}

// allFirms is the whole admin search of f, read by offset.
func allFirms(t *testing.T, s *store.Store, f store.FirmFilter) []int64 {
	t.Helper()
	var ids []int64
	for off := 0; ; off += 200 {
		f.Limit, f.Offset = 200, off
		page, _, err := s.FindFirms(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, firmIDs(page)...)
		if len(page) < 200 {
			return ids
		}
	}
}

// TestFirmPagesCoverEveryRowOnce: the admin search's pages, forward and
// back, meet every match once, with names that tie, for each kind of
// filter (none, words, tax code, ward, association).
func TestFirmPagesCoverEveryRowOnce(t *testing.T) {
	s, fx := storetest.Open(t)
	randomMembers(t, s, fx, storetest.Instrument(t), rand.New(rand.NewPCG(7, 14)), 120)
	for _, f := range []store.FirmFilter{{}, {Query: "go an"}, {Query: "cuong"}, {Query: "3800"}, {WardCode: fx.NoiThat.WardCode}, {AssociationID: fx.Wood.ID}} {
		want := allFirms(t, s, f)
		for _, limit := range []int{1, 9, 50} {
			fwd, bwd := walk(t, func(c string) ([]int64, store.Links, error) {
				f := f
				f.Limit, f.Cursor = limit, c
				p, err := s.SearchFirms(ctx, f)
				return firmIDs(p.Firms), p.Links, err
			})
			if len(want) < 2 || !slices.Equal(fwd, want) || !slices.Equal(bwd, want) {
				t.Fatalf("%+v, %d a page:\nforward %v\nback    %v\nwant    %v", f, limit, fwd, bwd, want)
			}
		}
	}
}

// TestFirmPagesStableUnderInserts: a firm registered between two pages,
// before or after the position reached, neither repeats nor hides a row
// of the next pages (as OFFSET did: an insert before the position moved
// every later row one place down, repeating one).
func TestFirmPagesStableUnderInserts(t *testing.T) {
	s, fx := storetest.Open(t)
	randomMembers(t, s, fx, storetest.Instrument(t), rand.New(rand.NewPCG(8, 14)), 60)
	before := allFirms(t, s, store.FirmFilter{})
	seen := map[int64]int{}
	f := store.FirmFilter{Limit: 10}
	for i := 0; ; i++ {
		p, err := s.SearchFirms(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, fm := range p.Firms {
			seen[fm.ID]++
		}
		// Between pages: one firm that sorts first, one that sorts last.
		for j, name := range []string{"AAA đầu tiên", "Zzz cuối cùng"} {
			nf := *fx.NoiThat
			nf.ID, nf.TaxCode, nf.Name = 0, storetest.TaxCodeFrom(390000000+i*100+j*50), name
			if err := s.CreateFirm(ctx, &nf); err != nil {
				t.Fatal(err)
			}
		}
		if p.Next == "" {
			break
		}
		f.Cursor = p.Next
	}
	for _, id := range before {
		if seen[id] != 1 {
			t.Fatalf("firm %d seen %d times", id, seen[id])
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("firm %d seen %d times", id, n)
		}
	}
}

// TestBadCursors: a token that is not one of the list's own, whatever its
// shape, is ErrBadCursor (the page then shows the first page), never a
// failed query or a page somewhere unexpected.
func TestBadCursors(t *testing.T) {
	s, fx := storetest.Open(t)
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	p, _ := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Limit: 1})
	if p.Next == "" {
		t.Fatal("no next page to take a cursor from")
	}
	bad := []string{"x", "!!!", "%00", enc("[]"), enc("null"), enc(`{"a":1}`), enc(`["firms",false,["a",1,2]]`),
		enc(`["members:name:asc",false,["a"]]`), enc(`["members:name:asc",false,[1,1]]`), enc(`["members:name:asc",false,["a",1.5]]`),
		enc(`["members:name:asc",false,["a","1"]]`), enc(`["members:name:asc","yes",["a",1]]`), enc(`["members:name:asc",false,["a",1,2]]`),
		enc(`["members:name:asc",false,["a",99999999999999999999999]]`), enc(`["members:name:asc",false,["a",1]] trailing`),
		strings.Repeat("A", 5000)}
	for _, c := range bad {
		if _, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Cursor: c}); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("member cursor %.40q: err = %v", c, err)
		}
		if _, err := s.SearchFirms(ctx, store.FirmFilter{Cursor: c}); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("firm cursor %.40q: err = %v", c, err)
		}
	}
	// A good cursor of one order is bad in another.
	if _, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Cursor: p.Next, Sort: "score"}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("name cursor in score order: err = %v", err)
	}
	if _, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Cursor: enc(`["firms",false,["a",1]]`)}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("firm cursor in the member list: err = %v", err)
	}
	if _, err := s.SearchFirms(ctx, store.FirmFilter{Cursor: p.Next}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("member cursor in the firm search: err = %v", err)
	}
	// A well-formed cursor whose values match no row just pages from there.
	if _, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Cursor: enc(`["members:name:asc",true,["' OR 1=1 --",-5]]`)}); err != nil {
		t.Errorf("forged values: %v", err)
	}
}

// TestCountsStopAtTheCap: counts are exact up to CountCap, and beyond it
// say only "more".
func TestCountsStopAtTheCap(t *testing.T) {
	s, fx := storetest.Open(t)
	var fs []*firms.Firm
	for i := range store.CountCap + 1 {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(400000000+i*10), fmt.Sprintf("Công ty Thử nghiệm %d", i)
		fs = append(fs, &f)
	}
	if err := s.CreateFirms(context.Background(), fs); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, f := range fs[:store.CountCap] {
		ids = append(ids, f.ID)
	}
	if err := s.AddMemberships(ctx, fx.Logistics.ID, ids); err != nil { // with Kho: CountCap + 1
		t.Fatal(err)
	}
	if n, err := s.CountMembers(ctx, fx.Logistics.ID); err != nil || n != store.CountCap+1 {
		t.Fatalf("the association's own count: %d, %v", n, err) // exact, whatever the size
	}
	exact := store.Count{N: store.CountCap}
	more := store.Count{N: store.CountCap, More: true}
	for _, tc := range []struct {
		f    store.FirmFilter
		want store.Count
	}{
		{store.FirmFilter{}, more},
		{store.FirmFilter{Query: "thu nghiem"}, more},
		{store.FirmFilter{Query: "thu nghiem", AssociationID: fx.Logistics.ID}, exact},
		{store.FirmFilter{AssociationID: fx.Logistics.ID}, more},
		{store.FirmFilter{Query: "go duc"}, store.Count{N: 1}},
	} {
		if p, err := s.SearchFirms(ctx, tc.f); err != nil || p.Count != tc.want {
			t.Errorf("%+v: count %+v, want %+v (%v)", tc.f, p.Count, tc.want, err)
		}
	}
	for q, want := range map[string]store.Count{"": more, "thu": exact, "kho": {N: 1}} {
		if p, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Logistics.ID, Query: q}); err != nil || p.Count != want {
			t.Errorf("members %q: count %+v, want %+v (%v)", q, p.Count, want, err)
		}
	}
	// Past the cap, a page in name order is found along the name index
	// (memberFromByName): its pages still meet every member once.
	for _, desc := range []bool{false, true} {
		f := store.MemberFilter{AssociationID: fx.Logistics.ID, Desc: desc}
		var want []int64
		if err := s.EachMember(ctx, f, func(m store.Member) error { want = append(want, m.FirmID); return nil }); err != nil {
			t.Fatal(err)
		}
		fwd, bwd := walk(t, func(c string) ([]int64, store.Links, error) {
			f.Limit, f.Cursor = 200, c
			p, err := s.PageMembers(ctx, f)
			return memberIDs(p.Members), p.Links, err
		})
		if len(want) != store.CountCap+1 || !slices.Equal(fwd, want) || !slices.Equal(bwd, want) {
			t.Fatalf("desc=%v: %d forward, %d back, want %d", desc, len(fwd), len(bwd), len(want))
		}
	}
}
