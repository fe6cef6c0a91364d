package advisors

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestParseDayHours(t *testing.T) {
	mon := time.Monday
	for _, c := range []struct {
		in   string
		want []Hours
		err  error
	}{
		{"", nil, nil},
		{"  ,  ", nil, nil},
		{"08:00-11:45, 13:30–17:00", []Hours{{mon, 480, 705}, {mon, 810, 1020}}, nil},
		{"8h-12h", []Hours{{mon, 480, 720}}, nil},
		{"8h00 - 12h30", []Hours{{mon, 480, 750}}, nil},
		{"20:00-24:00", []Hours{{mon, 1200, 1440}}, nil},
		{"08:00", nil, ErrHoursFormat},
		{"8-12", nil, ErrHoursFormat},
		{"08:60-09:00", nil, ErrHoursFormat},
		{"25:00-26:00", nil, ErrHoursFormat},
		{"24:30-24:45", nil, ErrHoursFormat},
		{"08:5-09:00", nil, ErrHoursFormat},
		{"abc-def", nil, ErrHoursFormat},
		{"12:00-08:00", nil, ErrHoursOrder},
		{"08:00-12:00, 11:00-13:00", nil, ErrHoursOverlap},
	} {
		got, err := ParseDayHours(mon, c.in)
		if !errors.Is(err, c.err) || !slices.Equal(got, c.want) {
			t.Errorf("ParseDayHours(%q) = %v, %v; want %v, %v", c.in, got, err, c.want, c.err)
		}
	}
}

// What FormatDayHours writes, ParseDayHours reads back unchanged.
func TestDayHoursRoundTrip(t *testing.T) {
	hs := []Hours{{time.Monday, 480, 705}, {time.Monday, 810, 1020}, {time.Saturday, 480, 705}}
	for _, d := range []time.Weekday{time.Monday, time.Saturday, time.Sunday} {
		text := FormatDayHours(d, hs)
		got, err := ParseDayHours(d, text)
		want := slices.DeleteFunc(slices.Clone(hs), func(h Hours) bool { return h.Weekday != d })
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%v: %q → %v, %v", d, text, got, err)
		}
	}
	if FormatDayHours(time.Monday, hs) != "08:00–11:45, 13:30–17:00" {
		t.Errorf("format %q", FormatDayHours(time.Monday, hs))
	}
}
