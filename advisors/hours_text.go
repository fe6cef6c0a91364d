package advisors

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrHoursFormat: a day's hours are not written as "08:00–11:45, 13:30–17:00".
var ErrHoursFormat = errors.New("error.advisor.hours_format")

// ParseDayHours reads one weekday's blocks as people write them:
// "08:00-11:45, 13:30-17:00" (a hyphen or an en dash, "8:00" or "8h00"
// or "8h"); empty means the day is off. Blocks must not overlap.
func ParseDayHours(day time.Weekday, text string) ([]Hours, error) {
	var out []Hours
	for part := range strings.SplitSeq(text, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		from, to, ok := strings.Cut(strings.ReplaceAll(part, "–", "-"), "-")
		if !ok {
			return nil, ErrHoursFormat
		}
		start, err1 := parseClock(from)
		end, err2 := parseClock(to)
		if err1 != nil || err2 != nil {
			return nil, ErrHoursFormat
		}
		h := Hours{Weekday: day, Start: start, End: end}
		if err := ValidateHours([]Hours{h}); err != nil {
			return nil, err
		}
		for _, o := range out {
			if h.Start < o.End && o.Start < h.End {
				return nil, ErrHoursOverlap
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// ErrHoursOverlap: two blocks of one day overlap.
var ErrHoursOverlap = errors.New("error.advisor.hours_overlap")

// parseClock reads "08:00", "8:00", "8h00", "8h" or "24:00" as minutes.
func parseClock(s string) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	h, m, found := strings.Cut(strings.ReplaceAll(s, "h", ":"), ":")
	if !found {
		return 0, ErrHoursFormat
	}
	hh, err := strconv.Atoi(h)
	if err != nil || hh < 0 || hh > 24 || len(h) > 2 {
		return 0, ErrHoursFormat
	}
	mm := 0
	if m != "" {
		if mm, err = strconv.Atoi(m); err != nil || len(m) != 2 || mm > 59 {
			return 0, ErrHoursFormat
		}
	}
	if hh == 24 && mm != 0 {
		return 0, ErrHoursFormat
	}
	return hh*60 + mm, nil
}

// FormatDayHours writes the blocks of day in hs as ParseDayHours reads them.
func FormatDayHours(day time.Weekday, hs []Hours) string {
	var parts []string
	for _, h := range hs {
		if h.Weekday == day {
			parts = append(parts, fmt.Sprintf("%02d:%02d–%02d:%02d", h.Start/60, h.Start%60, h.End/60, h.End%60))
		}
	}
	return strings.Join(parts, ", ")
}
