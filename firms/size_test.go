package firms

import "testing"

func TestClassify(t *testing.T) {
	b := int64(billion)
	tests := []struct {
		name  string
		group SectorGroup
		in    SizeInputs
		want  SizeClass
	}{
		{"micro industry at limits", AgriIndustryConstruction, SizeInputs{10, 3 * b, 3 * b, 2025}, Micro},
		{"micro industry by capital alone", AgriIndustryConstruction, SizeInputs{10, 40 * b, 3 * b, 2025}, Micro},
		{"micro industry by revenue alone", AgriIndustryConstruction, SizeInputs{10, 3 * b, 90 * b, 2025}, Micro},
		{"industry: 11 staff is not micro", AgriIndustryConstruction, SizeInputs{11, 1 * b, 1 * b, 2025}, Small},
		{"industry: both money limits exceeded", AgriIndustryConstruction, SizeInputs{5, 3*b + 1, 3*b + 1, 2025}, Small},
		{"small industry at limits", AgriIndustryConstruction, SizeInputs{100, 50 * b, 20 * b, 2025}, Small},
		{"medium industry", AgriIndustryConstruction, SizeInputs{101, 10 * b, 10 * b, 2025}, Medium},
		{"medium industry at limits", AgriIndustryConstruction, SizeInputs{200, 200 * b, 100 * b, 2025}, Medium},
		{"large industry by staff", AgriIndustryConstruction, SizeInputs{201, 1 * b, 1 * b, 2025}, Large},
		{"large industry by money", AgriIndustryConstruction, SizeInputs{150, 201 * b, 101 * b, 2025}, Large},
		{"micro trade: revenue up to 10", TradeService, SizeInputs{10, 10 * b, 50 * b, 2025}, Micro},
		{"trade: revenue 10 is micro for trade, not for industry", AgriIndustryConstruction, SizeInputs{10, 10 * b, 50 * b, 2025}, Small},
		{"small trade at limits", TradeService, SizeInputs{50, 100 * b, 50 * b, 2025}, Small},
		{"trade: 51 staff is medium", TradeService, SizeInputs{51, 1 * b, 1 * b, 2025}, Medium},
		{"medium trade at limits", TradeService, SizeInputs{100, 300 * b, 100 * b, 2025}, Medium},
		{"large trade", TradeService, SizeInputs{101, 1 * b, 1 * b, 2025}, Large},
		{"zero firm is micro", TradeService, SizeInputs{0, 0, 0, 2025}, Micro},
		{"unknown group falls back to trade limits", SectorGroup("x"), SizeInputs{10, 10 * b, 50 * b, 2025}, Micro},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Classify(tc.group, tc.in); got != tc.want {
				t.Fatalf("Classify(%s, %+v) = %s, want %s", tc.group, tc.in, got, tc.want)
			}
		})
	}
}

func TestSectorGroupForSection(t *testing.T) {
	for _, s := range []string{"A", "B", "C", "D", "E", "F"} {
		if SectorGroupForSection(s) != AgriIndustryConstruction {
			t.Errorf("section %s should be agriculture/industry/construction", s)
		}
	}
	for _, s := range []string{"G", "H", "J", "U", "", "CC"} {
		if SectorGroupForSection(s) != TradeService {
			t.Errorf("section %q should be trade/services", s)
		}
	}
}

// eyes13 §3.2: with 45 staff and revenue given, the preview asked for the
// capital. What the figures given settle is known without the rest, and
// agrees with Classify whatever the missing figure is.
func TestClassifyKnownNeedsOnlyWhatDecides(t *testing.T) {
	in := SizeInputs{Employees: 45, RevenueVND: 12_500_000_000}
	if c, ok := ClassifyKnown(AgriIndustryConstruction, in, true, false); !ok || c != Small {
		t.Fatalf("45 staff, 12.5 bn revenue: %q %v", c, ok)
	}
	if _, ok := ClassifyKnown(AgriIndustryConstruction, SizeInputs{Employees: 45, RevenueVND: 60 * billion}, true, false); ok {
		t.Fatal("revenue over Small's limit: the capital could still make it Small")
	}
	if c, ok := ClassifyKnown(TradeService, SizeInputs{Employees: 500}, false, false); !ok || c != Large {
		t.Fatalf("500 staff: %q %v", c, ok)
	}
	amounts := []int64{0, 3 * billion, 3*billion + 1, 20 * billion, 50 * billion, 60 * billion, 100 * billion, 250 * billion, 400 * billion}
	for _, g := range []SectorGroup{AgriIndustryConstruction, TradeService} {
		for _, emp := range []int{0, 10, 11, 50, 51, 100, 101, 200, 201} {
			for _, rev := range amounts {
				for _, capital := range amounts {
					in := SizeInputs{Employees: emp, RevenueVND: rev, CapitalVND: capital}
					want := Classify(g, in)
					for _, have := range [][2]bool{{true, true}, {true, false}, {false, true}, {false, false}} {
						if c, ok := ClassifyKnown(g, in, have[0], have[1]); ok && c != want || have == [2]bool{true, true} && !ok {
							t.Fatalf("%s %+v have %v: %q %v, Classify %q", g, in, have, c, ok, want)
						}
					}
				}
			}
		}
	}
}
