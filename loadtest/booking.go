package loadtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// slotRef is one free slot the booking phase competes for.
type slotRef struct {
	advisor int64
	start   string // Unix seconds, as the booking form posts it
}

var (
	advisorLinkRe = regexp.MustCompile(`href="/advisors/(\d+)"`)
	slotLinkRe    = regexp.MustCompile(`/advisors/(\d+)/book\?start=(\d+)`)
)

// freeSlots reads every advisor's free slots as a firm sees them.
func (lt *loadTest) freeSlots(ctx context.Context, c *loadClient) ([]slotRef, error) {
	page, err := c.page(ctx, "/advisors")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []slotRef
	for _, m := range advisorLinkRe.FindAllStringSubmatch(page, -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		body, err := c.page(ctx, "/advisors/"+m[1])
		if err != nil {
			return nil, err
		}
		for _, s := range slotLinkRe.FindAllStringSubmatch(body, -1) {
			id, _ := strconv.ParseInt(s[1], 10, 64)
			out = append(out, slotRef{advisor: id, start: s[2]})
		}
	}
	return out, nil
}

// bookingPhase has every client book random slots among the first few of
// the advisors' free slots, so most attempts collide: each must end in a
// booking (303, followed to the page it leads to), the client's own booking
// of that slot again (303 to a booking this phase made already: the portal
// answers a form sent twice with the booking it made), or "this slot was
// just taken" (409); anything else fails.
// Slots are drawn from a pool of pool slots; the bookings it makes stay
// in the database, so run it on a scratch copy. Reading the free slots
// comes before the phase and is not part of its wall time.
func (lt *loadTest) bookingPhase(ctx context.Context, cs []*loadClient, pool int) (phase, error) {
	slots, err := lt.freeSlots(ctx, cs[0])
	if err != nil || len(slots) == 0 {
		return phase{}, err
	}
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	slots = slots[:min(pool, len(slots))]
	var mu sync.Mutex
	made := map[string]bool{} // the bookings made, by the address each 303 led to
	p := lt.run(ctx, cs, func(ctx context.Context, c *loadClient, rng *rand.Rand, record func(string, time.Duration, bool)) error {
		s := slots[rng.IntN(len(slots))]
		form := url.Values{"start": {s.start}, "mode": {"online"}, "language": {"vi"}, "pillar": {"data"}, "note": {"load test"}}
		start := time.Now()
		res, err := c.send(ctx, http.MethodPost, fmt.Sprintf("/advisors/%d/book", s.advisor), form)
		if err != nil && ctx.Err() != nil {
			return ctx.Err() // stopped by the run's end; one the phase's end caught was read to its end and counts
		}
		switch code := res.status; {
		case err != nil:
			return err
		case code == http.StatusSeeOther && res.final == http.StatusOK:
			mu.Lock()
			again := made[res.loc]
			made[res.loc] = true
			mu.Unlock()
			if again {
				record("held", time.Since(start), true)
			} else {
				record("booked", time.Since(start), true)
			}
		case code == http.StatusConflict:
			record("taken", time.Since(start), true)
		default:
			record("booking-error", time.Since(start), false)
		}
		return nil
	})
	p.samples["taken"] = append(p.samples["taken"], p.samples["booking-error"]...)
	return p, nil
}
