package advisors

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

var (
	start = time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	slot  = Period{Start: start, End: start.Add(time.Hour)}
	// The three moments every rule is tried at.
	moments = map[string]time.Time{
		"before": start.Add(-time.Minute),
		"during": start, // the start itself counts as started
		"after":  slot.End.Add(time.Hour),
	}
)

// TestCanChange tries every status × op × party × moment against the
// expected answer, written out as a table a reader can check by eye: "ok"
// or the refusal.
func TestCanChange(t *testing.T) {
	const (
		ok  = ""
		no  = ErrNotAllowed
		can = ErrCancelled
		st  = ErrStarted
		nst = ErrNotStarted
		nh  = ErrNotHeld
	)
	type row struct {
		status string
		op     Op
		// want per party (firm, advisor, center) and moment (before, during, after)
		firm, advisor, center [3]Refusal
	}
	rows := []row{
		{StatusConfirmed, OpCancel, [3]Refusal{ok, st, st}, [3]Refusal{ok, st, st}, [3]Refusal{ok, st, st}},
		{StatusConfirmed, OpReschedule, [3]Refusal{ok, st, st}, [3]Refusal{ok, st, st}, [3]Refusal{ok, st, st}},
		{StatusConfirmed, OpOutcome, [3]Refusal{no, no, no}, [3]Refusal{nst, ok, ok}, [3]Refusal{nst, ok, ok}},
		{StatusConfirmed, OpNotes, [3]Refusal{no, no, no}, [3]Refusal{nst, ok, ok}, [3]Refusal{nst, ok, ok}},
		{StatusConfirmed, OpActions, [3]Refusal{no, no, no}, [3]Refusal{nst, nh, nh}, [3]Refusal{nst, nh, nh}},

		{StatusDone, OpCancel, [3]Refusal{st, st, st}, [3]Refusal{st, st, st}, [3]Refusal{st, st, st}},
		{StatusDone, OpReschedule, [3]Refusal{st, st, st}, [3]Refusal{st, st, st}, [3]Refusal{st, st, st}},
		{StatusDone, OpOutcome, [3]Refusal{no, no, no}, [3]Refusal{nst, ok, ok}, [3]Refusal{nst, ok, ok}},
		{StatusDone, OpNotes, [3]Refusal{no, no, no}, [3]Refusal{nst, ok, ok}, [3]Refusal{nst, ok, ok}},
		{StatusDone, OpActions, [3]Refusal{no, no, no}, [3]Refusal{nst, ok, ok}, [3]Refusal{nst, ok, ok}},

		{StatusNoShow, OpCancel, [3]Refusal{st, st, st}, [3]Refusal{st, st, st}, [3]Refusal{st, st, st}},
		{StatusNoShow, OpReschedule, [3]Refusal{st, st, st}, [3]Refusal{st, st, st}, [3]Refusal{st, st, st}},
		{StatusNoShow, OpOutcome, [3]Refusal{no, no, no}, [3]Refusal{nst, ok, ok}, [3]Refusal{nst, ok, ok}},
		{StatusNoShow, OpNotes, [3]Refusal{no, no, no}, [3]Refusal{nst, ok, ok}, [3]Refusal{nst, ok, ok}},
		{StatusNoShow, OpActions, [3]Refusal{no, no, no}, [3]Refusal{nst, nh, nh}, [3]Refusal{nst, nh, nh}},
		{StatusConfirmed, OpLink, [3]Refusal{no, no, no}, [3]Refusal{ok, st, st}, [3]Refusal{ok, st, st}},
		{StatusDone, OpLink, [3]Refusal{no, no, no}, [3]Refusal{st, st, st}, [3]Refusal{st, st, st}},
		{StatusNoShow, OpLink, [3]Refusal{no, no, no}, [3]Refusal{st, st, st}, [3]Refusal{st, st, st}},
	}
	for _, op := range Ops { // a cancelled booking refuses everyone everything they could otherwise ask
		rows = append(rows, row{StatusCancelled, op, [3]Refusal{can, can, can}, [3]Refusal{can, can, can}, [3]Refusal{can, can, can}})
		if op != OpCancel && op != OpReschedule {
			rows[len(rows)-1].firm = [3]Refusal{no, no, no}
		}
	}
	covered := map[string]bool{}
	for _, r := range rows {
		for party, want := range map[Party][3]Refusal{PartyFirm: r.firm, PartyAdvisor: r.advisor, PartyCenter: r.center} {
			for i, when := range []string{"before", "during", "after"} {
				name := fmt.Sprintf("%s/%s/%s/%s", r.status, r.op, party, when)
				covered[name] = true
				t.Run(name, func(t *testing.T) {
					err := CanChange(Booking{ID: 1, AdvisorID: 7, Status: r.status, Period: slot}, r.op, party, moments[when])
					if want[i] == ok && err != nil || want[i] != ok && !errors.Is(err, want[i]) {
						t.Fatalf("got %v, want %q", err, want[i])
					}
				})
			}
		}
	}
	if n := 4 * len(Ops) * 3 * 3; len(covered) != n {
		t.Fatalf("the table covers %d cases of %d", len(covered), n)
	}
}

// Anyone else, and any op the rules do not know, is refused outright.
func TestCanChangeStrangers(t *testing.T) {
	b := Booking{Status: StatusConfirmed, Period: slot}
	for _, party := range []Party{"", "lead", "FIRM"} {
		if err := CanChange(b, OpCancel, party, moments["before"]); !errors.Is(err, ErrNotAllowed) {
			t.Errorf("party %q: %v", party, err)
		}
	}
	if err := CanChange(b, "delete", PartyCenter, moments["before"]); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("unknown op: %v", err)
	}
}

func TestCheckFairUse(t *testing.T) {
	now := moments["before"].Add(-48 * time.Hour)
	at := func(h int) Period {
		s := start.Add(time.Duration(h) * time.Hour)
		return Period{Start: s, End: s.Add(time.Hour)}
	}
	open := func(id, advisor int64, h int) Booking {
		return Booking{ID: id, AdvisorID: advisor, Status: StatusConfirmed, Period: at(h)}
	}
	l := DefaultLimits()
	cases := []struct {
		name string
		l    Limits
		held []Booking
		next Booking
		want error
	}{
		{"first booking", l, nil, open(0, 1, 0), nil},
		{"a second advisor", l, []Booking{open(1, 1, 0)}, open(0, 2, 5), nil},
		{"the same advisor twice", l, []Booking{open(1, 1, 0)}, open(0, 1, 5), ErrAdvisorLimit},
		{"a third open booking", l, []Booking{open(1, 1, 0), open(2, 2, 3)}, open(0, 3, 5), ErrFirmLimit},
		{"two advisors at the same hour", l, []Booking{open(1, 1, 0)}, open(0, 2, 0), ErrFirmBusy},
		{"overlapping by half an hour", l, []Booking{open(1, 1, 0)}, Booking{AdvisorID: 2, Period: Period{at(0).Start.Add(30 * time.Minute), at(1).End}}, ErrFirmBusy},
		{"back to back", l, []Booking{open(1, 1, 0)}, open(0, 2, 1), nil},
		{"cancelled ones hold nothing", l, []Booking{{ID: 1, AdvisorID: 1, Status: StatusCancelled, Period: at(0)}, {ID: 2, AdvisorID: 2, Status: StatusCancelled, Period: at(3)}}, open(0, 1, 0), nil},
		{"held ones are not open", l, []Booking{{ID: 1, AdvisorID: 1, Status: StatusDone, Period: Period{now.Add(-3 * time.Hour), now.Add(-2 * time.Hour)}}, open(2, 2, 3)}, open(0, 1, 5), nil},
		{"a past confirmed one is not open", l, []Booking{{ID: 1, AdvisorID: 1, Status: StatusConfirmed, Period: Period{now.Add(-3 * time.Hour), now.Add(-2 * time.Hour)}}}, open(0, 1, 5), nil},
		{"one in progress still is", l, []Booking{{ID: 1, AdvisorID: 1, Status: StatusConfirmed, Period: Period{now.Add(-time.Minute), now.Add(time.Hour)}}}, open(0, 1, 5), ErrAdvisorLimit},
		{"a move keeps its place", l, []Booking{open(1, 1, 0), open(2, 2, 3)}, open(2, 2, 5), nil},
		{"a move onto another of the firm's", l, []Booking{open(1, 1, 0), open(2, 2, 3)}, open(2, 2, 0), ErrFirmBusy},
		{"a move onto its own old time", l, []Booking{open(1, 1, 0)}, Booking{ID: 1, AdvisorID: 1, Status: StatusConfirmed, Period: Period{at(0).Start.Add(30 * time.Minute), at(1).End}}, nil},
		{"wider limits", Limits{PerFirm: 5, PerFirmAdvisor: 3}, []Booking{open(1, 1, 0), open(2, 1, 3)}, open(0, 1, 5), nil},
		{"wider limits, full", Limits{PerFirm: 5, PerFirmAdvisor: 2}, []Booking{open(1, 1, 0), open(2, 1, 3)}, open(0, 1, 5), ErrAdvisorLimit},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := CheckFairUse(c.l, c.held, c.next, now); !errors.Is(err, c.want) || (c.want == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestLimitsValid(t *testing.T) {
	for l, want := range map[Limits]bool{DefaultLimits(): true, {1, 1}: true, {100, 100}: true, {0, 1}: false, {2, 0}: false, {101, 1}: false, {-1, -1}: false} {
		if l.Valid() != want {
			t.Errorf("%+v valid = %v", l, !want)
		}
	}
}
