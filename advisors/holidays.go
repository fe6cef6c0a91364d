package advisors

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
	"time"
)

//go:embed holidays.csv
var holidaysCSV string

// Holiday is one public holiday: a calendar day in Asia/Ho_Chi_Minh.
type Holiday struct {
	Date   string // 2006-01-02
	NameVI string
	NameEN string
}

// Holidays are the days no advisor works, by date.
type Holidays map[string]Holiday

// Has reports whether the calendar day of t (in the programme's zone) is
// a holiday.
func (h Holidays) Has(t time.Time) bool {
	_, ok := h[t.In(Zone).Format(time.DateOnly)]
	return ok
}

// VietnamHolidays returns the embedded list of Vietnamese public holidays.
// The list is checked by the tests, so a broken file never ships.
func VietnamHolidays() Holidays {
	h, err := ParseHolidays(holidaysCSV)
	if err != nil {
		panic(err)
	}
	return h
}

// ParseHolidays reads date,name_vi,name_en lines; # starts a note.
func ParseHolidays(text string) (Holidays, error) {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			lines = append(lines, t)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(strings.Join(lines, "\n"))).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("advisors: holidays: %w", err)
	}
	out := Holidays{}
	for i, r := range recs {
		if len(r) != 3 || r[1] == "" || r[2] == "" {
			return nil, fmt.Errorf("advisors: holidays: entry %d: want date,name_vi,name_en", i+1)
		}
		if _, err := time.Parse(time.DateOnly, r[0]); err != nil {
			return nil, fmt.Errorf("advisors: holidays: entry %d: %w", i+1, err)
		}
		if _, dup := out[r[0]]; dup {
			return nil, fmt.Errorf("advisors: holidays: %s twice", r[0])
		}
		out[r[0]] = Holiday{Date: r[0], NameVI: r[1], NameEN: r[2]}
	}
	return out, nil
}
