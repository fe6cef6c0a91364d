package advisors

import (
	"errors"
	"slices"
	"time"

	"dxready/scoring"
)

// Zone is where every advisor works and every time is shown:
// Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
var Zone = scoring.Zone

// Defaults of an advisor's booking rules.
const (
	DefaultSlotMinutes   = 60
	DefaultBufferMinutes = 15
	DefaultHorizonDays   = 28
	DefaultNoticeHours   = 24
)

// Hours is one block of weekly working hours, in minutes after midnight
// local time: {time.Monday, 8*60, 12*60} is Monday 08:00–12:00.
type Hours struct {
	Weekday    time.Weekday
	Start, End int
}

// Period is a half-open span of time [Start, End).
type Period struct {
	Start, End time.Time
}

// Overlaps reports whether p and q share any instant.
func (p Period) Overlaps(q Period) bool {
	return p.Start.Before(q.End) && q.Start.Before(p.End)
}

// Rules are an advisor's booking rules.
type Rules struct {
	SlotMinutes   int // length of a consultation
	BufferMinutes int // free time kept between two bookings
	HorizonDays   int // how far ahead a firm may book
	NoticeHours   int // how soon at the earliest
}

// DefaultRules are the Center's defaults.
func DefaultRules() Rules {
	return Rules{DefaultSlotMinutes, DefaultBufferMinutes, DefaultHorizonDays, DefaultNoticeHours}
}

// Problems of a schedule, named by their message IDs.
var (
	ErrHoursOrder = errors.New("error.advisor.hours_order")
	ErrHoursRange = errors.New("error.advisor.hours_range")
	ErrRules      = errors.New("error.advisor.rules")
)

// Validate checks the rules are usable.
func (r Rules) Validate() error {
	if r.SlotMinutes < 15 || r.SlotMinutes > 240 || r.BufferMinutes < 0 || r.BufferMinutes > 120 ||
		r.HorizonDays < 1 || r.HorizonDays > 90 || r.NoticeHours < 0 || r.NoticeHours > 14*24 {
		return ErrRules
	}
	return nil
}

// ValidateHours checks each block lies within a day and ends after it
// starts.
func ValidateHours(hs []Hours) error {
	for _, h := range hs {
		if h.Weekday < time.Sunday || h.Weekday > time.Saturday || h.Start < 0 || h.End > 24*60 {
			return ErrHoursRange
		}
		if h.End <= h.Start {
			return ErrHoursOrder
		}
	}
	return nil
}

// Schedule is everything that decides when one advisor is free.
type Schedule struct {
	Hours    []Hours
	Leave    []Period // the advisor's days off and other absences
	Busy     []Period // bookings that hold the advisor's time
	Holidays Holidays
	Rules    Rules
}

// FreeSlots lists the advisor's bookable slots from now to the horizon,
// in time order. A slot starts on the advisor's hours at multiples of
// slot + buffer from the block's start, ends within the block, starts no
// sooner than the notice, avoids holidays and leave, and keeps the buffer
// clear on both sides of every booking.
func (s Schedule) FreeSlots(now time.Time) []Period {
	r := s.Rules
	if r.SlotMinutes <= 0 {
		return nil
	}
	slot := time.Duration(r.SlotMinutes) * time.Minute
	step := slot + time.Duration(r.BufferMinutes)*time.Minute
	buffer := time.Duration(r.BufferMinutes) * time.Minute
	earliest := now.Add(time.Duration(r.NoticeHours) * time.Hour)
	local := now.In(Zone)
	day0 := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, Zone)
	last := day0.AddDate(0, 0, r.HorizonDays+1)
	horizon := now.AddDate(0, 0, r.HorizonDays)
	busy := slices.Clone(s.Busy)
	slices.SortFunc(busy, func(a, b Period) int { return a.Start.Compare(b.Start) })
	var out []Period
	for day := day0; day.Before(last); day = day.AddDate(0, 0, 1) {
		if s.Holidays.Has(day) {
			continue
		}
		for _, h := range s.dayHours(day.Weekday()) {
			end := day.Add(time.Duration(h.End) * time.Minute)
			for st := day.Add(time.Duration(h.Start) * time.Minute); !st.Add(slot).After(end); st = st.Add(step) {
				p := Period{st.UTC(), st.Add(slot).UTC()}
				if p.Start.Before(earliest) || p.Start.After(horizon) || overlapsAny(p, s.Leave, 0) || overlapsAny(p, busy, buffer) {
					continue
				}
				out = append(out, p)
			}
		}
	}
	return out
}

// dayHours returns the blocks of a weekday in start order.
func (s Schedule) dayHours(wd time.Weekday) []Hours {
	var hs []Hours
	for _, h := range s.Hours {
		if h.Weekday == wd {
			hs = append(hs, h)
		}
	}
	slices.SortFunc(hs, func(a, b Hours) int { return a.Start - b.Start })
	return hs
}

// overlapsAny reports whether p, widened by pad on each side, overlaps
// any of ps.
func overlapsAny(p Period, ps []Period, pad time.Duration) bool {
	w := Period{p.Start.Add(-pad), p.End.Add(pad)}
	for _, q := range ps {
		if w.Overlaps(q) {
			return true
		}
	}
	return false
}

// IsFree reports whether p is one of the advisor's free slots now: the
// check a booking repeats before it is written.
func (s Schedule) IsFree(now time.Time, p Period) bool {
	for _, f := range s.FreeSlots(now) {
		if f.Start.Equal(p.Start) && f.End.Equal(p.End) {
			return true
		}
	}
	return false
}
