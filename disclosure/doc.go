// Package disclosure is the one place where figures computed from firms'
// results are made safe to show to someone who may not see every result
// behind them: an association lead (members that do not share), a firm
// comparing itself with its association or industry, and later the public.
//
// It follows the cell-key method of national statistics offices (Australian
// Bureau of Statistics; Giessing and Tent at Destatis), in five rules:
//
//  1. Every result carries a record key, drawn once at random when the result
//     is created, and so does every firm; keys are kept secret in the
//     database and never redrawn.
//  2. A cell (a set of results) has two cell keys: the sums of its results'
//     keys and of their firms' keys, modulo 2³². The same set always has the
//     same keys, so asking again, from another page or export, gives the
//     same figure; two sets that differ by one result have unrelated keys,
//     so the difference of their figures is noise, not that result.
//  3. From the cell keys, deterministic noise is added to what is summed, in
//     two halves, one per key: sums of scores get normal noise of standard
//     deviation max(SigmaMin, SigmaRoot·√n) score points (a mean moves by
//     that over n), and counts (firms per level, per band of ten points)
//     get small integers from a fixed perturbation table, then are adjusted
//     so they add up to the exact number of firms. A firm that submits
//     again changes the results' half only: averaging many such looks
//     cannot remove the firms' half.
//  4. An association's sums may be split into strata, each perturbed with
//     its own keys: the results shared with it (by consent at the start of
//     the quarter) and the others. The lead, who sees shared results one by
//     one, can subtract them, but what remains carries noise keyed by the
//     non-shared results alone. Counts are perturbed over the whole cell.
//  5. A firm compared with its group without itself gets the group's noise
//     (Tally.Exclude), the same for every firm that looks.
//
// Counts of firms (how many have a result) are exact: they say who took
// part, not how they scored. Quantiles are never published for perturbed
// figures, because an order statistic is one firm's exact score; Exact
// gives them for sets the viewer may see one by one. No figure is shown for
// fewer than MinGroup firms.
//
// What it guarantees, what it costs, and what it does not stop are measured
// and written down in docs/PRIVACY.md.
//
// Layout: STYLE.md §8 has no package for this; it is a pure domain package
// beside scoring, whose Entry it counts, and may import scoring only
// (arch_test.go). store computes tallies with it, web formats its figures.
package disclosure
