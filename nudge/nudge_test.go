package nudge

import (
	"testing"
	"time"
)

var now = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func TestAllowedIsOnce(t *testing.T) {
	for sent, want := range []bool{true, false, false, false} {
		if got := Allowed(sent); got != want {
			t.Errorf("Allowed(%d) = %v, want %v", sent, got, want)
		}
	}
}

func TestDraftStale(t *testing.T) {
	for _, tc := range []struct {
		name      string
		last      time.Time
		submitted bool
		want      bool
	}{
		{"untouched 7 days", now.Add(-StaleAfter), false, true},
		{"untouched 30 days", now.AddDate(0, 0, -30), false, true},
		{"a second short of 7 days", now.Add(-StaleAfter + time.Second), false, false},
		{"answered today", now.Add(-time.Hour), false, false},
		{"submitted", now.AddDate(0, 0, -30), true, false},
		{"never answered (zero time)", time.Time{}, false, false},
		{"answered in the future (clock skew)", now.Add(time.Hour), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DraftStale(tc.last, tc.submitted, now); got != tc.want {
				t.Errorf("DraftStale = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestActionDue(t *testing.T) {
	for _, tc := range []struct {
		name string
		due  string
		done bool
		want bool
	}{
		{"due today", "2026-11-30", false, true},
		{"due in 3 days", "2026-12-03", false, true},
		{"due in 4 days", "2026-12-04", false, false},
		{"overdue", "2026-11-01", false, true},
		{"done", "2026-11-30", true, false},
		{"unreadable date", "30/11/2026", false, false},
		{"impossible date", "2026-02-30", false, false},
		{"empty", "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ActionDue(tc.due, tc.done, now); got != tc.want {
				t.Errorf("ActionDue(%q) = %v, want %v", tc.due, got, tc.want)
			}
		})
	}
}

func TestSendAndOffer(t *testing.T) {
	if !Send(true, false) || Send(true, true) || Send(false, false) {
		t.Error("Send: only a verified address that did not opt out gets a nudge")
	}
	if !NoShowOffer(false) || NoShowOffer(true) {
		t.Error("NoShowOffer: a firm that booked again is not offered to")
	}
}

func TestSinceLooksBackOnly(t *testing.T) {
	at, _ := Since(Draft, now, now)
	if want := now.Add(-StaleAfter - Lookback); !at.Equal(want) {
		t.Errorf("Since(Draft) = %v, want %v", at, want)
	}
	if _, due := Since(Action, now, now); due != "2026-10-31" {
		t.Errorf("Since(Action) due = %q, want 2026-10-31", due)
	}
	if at, _ := Since(NoShow, now, now); !at.Equal(now.Add(-Lookback)) {
		t.Errorf("Since(NoShow) = %v", at)
	}
	for _, k := range Kinds {
		if !k.Valid() {
			t.Errorf("%q not valid", k)
		}
	}
	if Kind("drip").Valid() {
		t.Error("an unknown kind is valid")
	}
}
