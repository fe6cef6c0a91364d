package advisors

import (
	"slices"
	"time"
)

// Rates are the outcomes of consultations whose outcome is known: held,
// no-show and cancelled, as shares of their sum (a confirmed booking that
// has not happened yet counts in none of them).
type Rates struct {
	Held, NoShow, Cancelled, Open int
	HeldRate, NoShowRate          float64 // 0…1
	CancelledRate                 float64
}

// RatesOf counts by status (StatusDone, StatusNoShow, StatusCancelled,
// StatusConfirmed) into Rates.
func RatesOf(by map[string]int) Rates {
	r := Rates{Held: by[StatusDone], NoShow: by[StatusNoShow], Cancelled: by[StatusCancelled], Open: by[StatusConfirmed]}
	if known := r.Held + r.NoShow + r.Cancelled; known > 0 {
		k := float64(known)
		r.HeldRate, r.NoShowRate, r.CancelledRate = float64(r.Held)/k, float64(r.NoShow)/k, float64(r.Cancelled)/k
	}
	return r
}

// OpenMinutes is how many minutes of consultations an advisor with hours,
// rules, leave and holidays could hold in the local week starting at
// monday (midnight, Zone): the length of the free slots Schedule.FreeSlots
// finds in that week with nothing booked, no notice and a horizon of the
// week. Hours are today's, applied to the week asked: past changes of
// hours are not kept.
func OpenMinutes(hours []Hours, rules Rules, leave []Period, holidays Holidays, monday time.Time) int {
	rules.NoticeHours, rules.HorizonDays = 0, 7
	sc := Schedule{Hours: hours, Leave: leave, Holidays: holidays, Rules: rules}
	end := monday.AddDate(0, 0, 7)
	total := 0
	for _, p := range sc.FreeSlots(monday) {
		if p.Start.Before(end) {
			total += int(p.End.Sub(p.Start) / time.Minute)
		}
	}
	return total
}

// DayCount is how many firms waited Days days.
type DayCount struct {
	Days, N int
}

// MedianDays is the median of the distribution hist (any order), and the
// number of firms in it; 0, 0 when it is empty. With an even number, it
// is the mean of the two middle values.
func MedianDays(hist []DayCount) (float64, int) {
	h := slices.Clone(hist)
	slices.SortFunc(h, func(a, b DayCount) int { return a.Days - b.Days })
	n := 0
	for _, d := range h {
		n += d.N
	}
	if n == 0 {
		return 0, 0
	}
	at := func(k int) int { // the k-th value, 0-based
		for _, d := range h {
			if k < d.N {
				return d.Days
			}
			k -= d.N
		}
		return h[len(h)-1].Days
	}
	if n%2 == 1 {
		return float64(at(n / 2)), n
	}
	return float64(at(n/2-1)+at(n/2)) / 2, n
}

// DayBands are the bands of the wait's distribution: 0–1, 2–7, 8–14,
// 15–30, 31–90 and over 90 days (the last is open).
var DayBands = []int{0, 2, 8, 15, 31, 91}

// Banded counts hist into DayBands: out[i] is the firms from
// DayBands[i] up to the next band.
func Banded(hist []DayCount) []int {
	out := make([]int, len(DayBands))
	for _, d := range hist {
		i := len(DayBands) - 1
		for i > 0 && d.Days < DayBands[i] {
			i--
		}
		out[i] += d.N
	}
	return out
}
