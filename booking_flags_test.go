package main

import (
	"io"
	"strings"
	"testing"
)

// The fair-use limits come from --max-open-bookings and
// --max-open-bookings-per-advisor, or their DXREADY_* variables, default
// to 2 and 1, and a value outside 1…100 stops the start with the flag's
// name.
func TestOpenBookingFlags(t *testing.T) {
	cases := []struct {
		name           string
		env            []string
		args           []string
		firm, advisor  int
		wantErrContain string
	}{
		{"defaults", nil, nil, 2, 1, ""},
		{"flags", nil, []string{"--max-open-bookings", "5", "--max-open-bookings-per-advisor", "2"}, 5, 2, ""},
		{"environment", []string{"DXREADY_MAX_OPEN_BOOKINGS", "4", "DXREADY_MAX_OPEN_BOOKINGS_PER_ADVISOR", "3"}, nil, 4, 3, ""},
		{"the flag wins", []string{"DXREADY_MAX_OPEN_BOOKINGS", "4"}, []string{"--max-open-bookings", "6"}, 6, 1, ""},
		{"zero", nil, []string{"--max-open-bookings", "0"}, 0, 1, "--max-open-bookings must be between 1 and 100, not 0"},
		{"too many", nil, []string{"--max-open-bookings-per-advisor", "101"}, 2, 101, "--max-open-bookings-per-advisor must be between 1 and 100"},
		{"not a number", []string{"DXREADY_MAX_OPEN_BOOKINGS", "abc"}, nil, 2, 1, `DXREADY_MAX_OPEN_BOOKINGS="abc" is not a whole number — it sets --max-open-bookings`},
		{"a bad variable under a given flag", []string{"DXREADY_MAX_OPEN_BOOKINGS", "abc"}, []string{"--max-open-bookings", "3"}, 3, 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, _, err := parseConfig("serve", c.args, env(c.env...), io.Discard, nil)
			if c.wantErrContain == "" && err != nil || c.wantErrContain != "" && (err == nil || !strings.Contains(err.Error(), c.wantErrContain)) {
				t.Fatalf("error %v, want %q", err, c.wantErrContain)
			}
			if cfg.MaxOpenBookings != c.firm || cfg.MaxOpenBookingsPerAdvisor != c.advisor {
				t.Fatalf("limits %d, %d", cfg.MaxOpenBookings, cfg.MaxOpenBookingsPerAdvisor)
			}
		})
	}
}
