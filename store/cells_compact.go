package store

import "dxready/scoring"

// compactResults keeps, of a firm's results on one instrument in one
// quarter, the first and the last; rs is in time order, and so is what it
// returns (rs's own array, reused).
//
// Nothing reads the others:
//   - a cell takes the firm's last result submitted by the end of each
//     quarter (spans), the last of its quarter or of an earlier one;
//   - a result page's comparison takes the same at the current quarter;
//   - a lead's exact figures take the result current at a quarter's end
//     (the last of its quarter or an earlier one) or now, and the first
//     submitted in a window that starts at a quarter's start (the first of
//     its quarter or a later one).
//
// "Now" is the snapshot's instant: a result of the current quarter
// submitted in the moment between the snapshot and the reading of the
// sharing members is after it, so the one before it is taken, which the
// compaction may have dropped for the quarter's first. The cells, kept by
// every write, count the new one at once either way; the two agree again
// at the next view.
//
// So a firm's kept inputs, and what each of its submissions decodes,
// walks and writes in the writer's transaction, grow with the quarters it
// took part in, not with how often it submits: a firm submitting all day
// cannot make every other firm's saves wait longer.
func compactResults(rs []resultInputs) []resultInputs {
	type slot struct {
		instrument string
		quarter    int
	}
	slotOf := func(r *resultInputs) slot { return slot{r.Instrument, quarterIndex(scoring.QuarterOf(r.At))} }
	count := make(map[slot]int, 4)
	crowded := false
	for i := range rs {
		k := slotOf(&rs[i])
		count[k]++
		crowded = crowded || count[k] > 2
	}
	if !crowded {
		return rs
	}
	seen := make(map[slot]int, len(count))
	out := rs[:0]
	for i := range rs {
		k := slotOf(&rs[i])
		seen[k]++
		if n := seen[k]; n == 1 || n == count[k] { // the first or the last of its slot
			out = append(out, rs[i])
		}
	}
	clear(rs[len(out):]) // no pillar slices held past the end
	return out
}
