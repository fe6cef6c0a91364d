package demo

import (
	"context"
	"fmt"
	"time"

	"dxready/advisors"
	"dxready/firms"
	"dxready/store"
)

// demoPillars are the instrument's pillar IDs; each demo advisor knows two.
var demoPillars = []string{"customer", "strategy", "infrastructure", "operations", "culture", "data"}

// seedAdvisors gives the demo advisors profiles that differ the way a
// Center's staff would: two pillars each, two associations, an industry,
// foreign languages for FDI firms, some who visit, and weekday hours (some
// with a Saturday morning).
func seedAdvisors(ctx context.Context, st *store.Store, ids []int64, assocs []firms.Association) error {
	sections := []string{"C", "H", "G", "F", "C", "J"}
	for i, id := range ids {
		a := &store.Advisor{Profile: advisors.Profile{ID: id,
			Pillars:        []string{demoPillars[i%6], demoPillars[(i+2)%6]},
			Sections:       []string{sections[i%len(sections)]},
			Languages:      []string{"vi"},
			Online:         true,
			OnSite:         i%2 == 0,
			WeeklyCapacity: 8 + i%5,
		}, Rules: advisors.DefaultRules(), Hours: demoHours(i)}
		if len(assocs) > 0 {
			a.Associations = []int64{assocs[i%len(assocs)].ID, assocs[(i+3)%len(assocs)].ID}
		}
		switch i % 12 {
		case 0, 3, 6, 9:
			a.Languages = append(a.Languages, "en")
		}
		switch i {
		case 4:
			a.Languages = append(a.Languages, "en", "ko")
		case 7:
			a.Languages = append(a.Languages, "zh")
		case 10:
			a.Languages = append(a.Languages, "en", "ja")
		}
		a.BioVI = fmt.Sprintf("Chuyên gia tư vấn chuyển đổi số của Trung tâm, %d năm kinh nghiệm với doanh nghiệp nhỏ và vừa.", 4+i%9)
		a.BioEN = fmt.Sprintf("Digital transformation advisor at the Center, %d years of experience with small and medium firms.", 4+i%9)
		if err := st.AddAdvisorProfile(ctx, a); err != nil {
			return fmt.Errorf("demo: advisor %d: %w", id, err)
		}
	}
	return nil
}

func demoHours(i int) []advisors.Hours {
	var hs []advisors.Hours
	for d := time.Monday; d <= time.Friday; d++ {
		if i%4 == 3 && d == time.Wednesday { // a day for other Center work
			continue
		}
		hs = append(hs, advisors.Hours{Weekday: d, Start: 8 * 60, End: 11*60 + 45}, advisors.Hours{Weekday: d, Start: 13*60 + 30, End: 17 * 60})
	}
	if i%3 == 1 {
		hs = append(hs, advisors.Hours{Weekday: time.Saturday, Start: 8 * 60, End: 11*60 + 45})
	}
	return hs
}
