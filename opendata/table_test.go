package opendata

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"dxready/disclosure"
	"dxready/scoring"
)

var (
	q1 = scoring.Quarter{Year: 2026, Q: 1}
	q2 = scoring.Quarter{Year: 2026, Q: 2}
)

// tallyOf is n results of scores around 50 with the cloud fact (slot 3)
// for every other one.
func tallyOf(rng *rand.Rand, n int) disclosure.Tally {
	t := disclosure.NewTally(2)
	for i := range n {
		s := 30 + 40*rng.Float64()
		r := disclosure.Record{Entry: scoring.Entry{Overall: s, Level: int(s / 20), Pillars: []float64{s, s}},
			Key: rng.Uint32(), FirmKey: rng.Uint32()}
		if i%2 == 0 {
			r.Adoption = 1 << 3
		}
		t.Add(r)
	}
	return t
}

func input(t *testing.T) Input {
	t.Helper()
	rng := rand.New(rand.NewPCG(16, 16))
	adoption := scoring.Adoptions("dbi-2021")
	in := Input{ComputedAt: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Seq: 7, Instrument: "dbi-2021@1",
		Pillars: []string{"customer", "data"}, Adoption: adoption, Quarters: []scoring.Quarter{q1, q2}}
	for _, q := range in.Quarters {
		in.Cells = append(in.Cells,
			Cell{Dimension: DimWard, Code: "25747", Quarter: q, Figures: disclosure.ProtectPublic(tallyOf(rng, 3))},
			Cell{Dimension: DimWard, Code: "25741", Quarter: q, Figures: disclosure.ProtectPublic(tallyOf(rng, 400))},
			Cell{Dimension: DimProvince, Quarter: q, Figures: disclosure.ProtectPublic(tallyOf(rng, 403))})
	}
	in.Counts = []Count{{Dimension: DimWard, Code: "25741", Assessed: 401, Registry: 4000}}
	return in
}

func TestBuildLaysCellsOutAsTheCataloguesTables(t *testing.T) {
	p := Build(input(t))
	wards, err := p.Table("readiness-by-ward")
	if err != nil {
		t.Fatal(err)
	}
	if len(wards.Rows) != 4 || wards.Rows[0].Quarter != q1 || wards.Rows[0].Code != "25741" || wards.Rows[3].Code != "25747" {
		t.Fatalf("ward rows not by quarter then code: %+v", wards.Rows)
	}
	for _, ind := range wards.Indicators {
		if ind.Estimate {
			t.Errorf("wards carry estimate %s: their registry is not counted by stratum", ind.ID)
		}
	}
	small, big := wards.Rows[1], wards.Rows[0]
	if small.Values[0].V != 3 || small.Values[0].Null {
		t.Errorf("a small ward's count of firms assessed is %+v; counts are exact and shown", small.Values[0])
	}
	for i, v := range small.Values[1:] {
		if !v.Null {
			t.Errorf("a ward of 3 results publishes %s = %v", wards.Indicators[i+1].ID, v.V)
		}
	}
	col := column(t, wards, "adoption-cloud-services-share")
	if v := big.Values[col]; v.Null || v.V < 40 || v.V > 60 {
		t.Errorf("half of 400 firms use the cloud; published share %+v", v)
	}
	if c := column(t, wards, "adoption-online-sales-share"); big.Values[c].V > 5 {
		t.Errorf("no firm sells online; published share %v", big.Values[c].V)
	}
}

// A group of fewer than disclosure.PublicSharesMin results publishes its
// count and means, not its shares: their noise would outweigh them.
func TestSharesOfASmallGroupAreNotPublished(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	in := input(t)
	in.Cells = []Cell{{Dimension: DimWard, Code: "25747", Quarter: q1, Figures: disclosure.ProtectPublic(tallyOf(rng, disclosure.PublicSharesMin-1))}}
	wards, _ := Build(in).Table("readiness-by-ward")
	row := wards.Rows[0]
	for i, ind := range wards.Indicators {
		v := row.Values[i]
		switch ind.Kind {
		case KindLevelShare, KindAdoptionShare:
			if !v.Null {
				t.Errorf("%s of %d results published: %v", ind.ID, disclosure.PublicSharesMin-1, v.V)
			}
		case KindAssessed, KindOverallMean, KindPillarMean:
			if v.Null {
				t.Errorf("%s of %d results not published", ind.ID, disclosure.PublicSharesMin-1)
			}
		}
	}
}

func column(t *testing.T, tb *Table, id string) int {
	t.Helper()
	for i, ind := range tb.Indicators {
		if ind.ID == id {
			return i
		}
	}
	t.Fatalf("%s has no column %s", tb.ID, id)
	return -1
}

func TestSeriesAndItsErrors(t *testing.T) {
	p := Build(input(t))
	pts, err := p.Series("overall-mean", DimWard, "25741")
	if err != nil || len(pts) != 2 || pts[0].Quarter != q1 || pts[1].Quarter != q2 || pts[0].Null {
		t.Fatalf("series: %+v, %v", pts, err)
	}
	for _, c := range []struct {
		id, dim, code string
		want          error
	}{
		{"no-such", DimWard, "25741", ErrNoIndicator},
		{"overall-mean", "district", "", ErrNoGroup},
		{"overall-mean", DimWard, "99999", ErrNoGroup},
		{"estimate-overall-mean", DimWard, "25741", ErrNoIndicator},
	} {
		if _, err := p.Series(c.id, c.dim, c.code); !errors.Is(err, c.want) {
			t.Errorf("Series(%q, %q, %q): %v, want %v", c.id, c.dim, c.code, err, c.want)
		}
	}
	if got := p.Codes(DimWard); len(got) != 2 || got[0] != "25741" {
		t.Errorf("codes %v", got)
	}
}

func TestETagMovesWithTheValuesOnly(t *testing.T) {
	a, b := Build(input(t)), Build(input(t))
	if a.ETag != b.ETag {
		t.Fatal("the same figures give two ETags")
	}
	in := input(t)
	in.ComputedAt = in.ComputedAt.Add(time.Hour)
	if Build(in).ETag != a.ETag {
		t.Error("recomputing the same figures later moves the ETag")
	}
	in.Counts[0].Assessed++
	if Build(in).ETag == a.ETag {
		t.Error("a new count keeps the ETag")
	}
}

func TestDatasetIDs(t *testing.T) {
	inds := Indicators([]string{"p"}, scoring.Adoptions("dbi-2021"))
	for _, ds := range Datasets(inds) {
		dim, _, ok := DatasetID(ds.ID)
		if !ok || dim != ds.Dimension || !validID(ds.ID) {
			t.Errorf("dataset %s does not parse back (%q, %v)", ds.ID, dim, ok)
		}
	}
	for _, ind := range inds {
		if !validID(ind.ID) {
			t.Errorf("indicator ID %q is not URL-safe", ind.ID)
		}
	}
	if _, _, ok := DatasetID("readiness-by-district"); ok {
		t.Error("an unknown dataset parses")
	}
}

// Size classes read smallest first, whatever the alphabet says; codes an
// order does not name follow, by code.
func TestRowsFollowADimensionsOwnOrder(t *testing.T) {
	in := input(t)
	in.Cells = nil
	for _, code := range []string{"large", "unknown", "micro", "medium", "small"} {
		in.Cells = append(in.Cells, Cell{Dimension: DimSize, Code: code, Quarter: q1})
	}
	in.Order = map[string][]string{DimSize: {"micro", "small", "medium", "large"}}
	tb, _ := Build(in).Table("readiness-by-size")
	var got []string
	for _, r := range tb.Rows {
		got = append(got, r.Code)
	}
	if want := []string{"micro", "small", "medium", "large", "unknown"}; !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
}
