package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dxready/disclosure"
	"dxready/survey"
)

// cellsMem is the cells in memory: a copy of agg_cells, loaded once and then
// changed by each committed transaction's cellChange, in the order of their
// seq. Its size is the number of cells (groups × strata × quarters with a
// change), whatever the number of firms.
type cellsMem struct {
	pillarIdx map[string]map[string]int // instrument → pillar ID → index
	pillars   map[string]int            // instrument → how many pillars

	// suspend, when positive, stops transactions from reconciling changed
	// firms: a bulk load (whose indexes are dropped) and a rebuild, which
	// derive everything afterwards.
	suspend atomic.Int32
	// applyMu is held from a commit that changed cells until memory has
	// applied the change, so memory applies changes in commit order.
	applyMu   sync.Mutex
	committed atomic.Int64 // seq of the last committed change
	// appended counts the changed firms drains took from their kept inputs
	// with their new results added (appendSubmitted) rather than read whole.
	appended atomic.Int64

	mu     sync.RWMutex
	loaded bool
	seq    int64
	groups map[groupKey]*groupCells

	checked atomic.Int64 // when fresh last asked the database (Unix ns)

	verMu    sync.Mutex
	assocVer map[int64]uint64 // bumped by any change to a member
	gen      atomic.Uint64    // bumped when memory is dropped
}

type groupKey struct{ instrument, group string }

// groupCells are one group's changes by stratum, in quarter order.
type groupCells struct{ strata [2][]quarterTally }

type quarterTally struct {
	q int
	t disclosure.Tally
}

func newCellsMem(instruments map[string]*survey.Instrument) *cellsMem {
	c := &cellsMem{pillarIdx: map[string]map[string]int{}, pillars: map[string]int{}, assocVer: map[int64]uint64{}}
	for key, in := range instruments {
		idx := map[string]int{}
		for i, p := range in.Pillars {
			idx[p.ID] = i
		}
		c.pillarIdx[key], c.pillars[key] = idx, len(in.Pillars)
	}
	return c
}

// apply brings memory up to a committed change. A change memory cannot
// follow (one it missed, after a failed load say) drops memory, which the
// next read loads again.
func (c *cellsMem) apply(ch *cellChange) {
	c.committed.Store(ch.seq)
	c.verMu.Lock()
	for a := range ch.assocs {
		c.assocVer[a]++
	}
	c.verMu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case !c.loaded || c.seq >= ch.seq:
	case c.seq != ch.seq-1:
		c.loaded = false
	default:
		for k, d := range ch.delta {
			c.add(k, d)
		}
		c.seq = ch.seq
	}
}

// add merges a change into a cell (c.mu held).
func (c *cellsMem) add(k cellKey, d *disclosure.Tally) {
	gk := groupKey{k.Instrument, k.Group}
	g := c.groups[gk]
	if g == nil {
		g = &groupCells{}
		c.groups[gk] = g
	}
	cells := g.strata[k.Stratum]
	i, found := slices.BinarySearchFunc(cells, k.Q, func(qt quarterTally, q int) int { return qt.q - q })
	if !found {
		t := disclosure.NewTally(len(d.Pillars))
		cells = slices.Insert(cells, i, quarterTally{q: k.Q, t: t})
	}
	cells[i].t.Merge(*d)
	if emptyTally(&cells[i].t) {
		cells = slices.Delete(cells, i, i+1)
	}
	g.strata[k.Stratum] = cells
}

// invalidate drops memory (after a rebuild): the next read loads it.
func (c *cellsMem) invalidate() {
	c.mu.Lock()
	c.loaded = false
	c.mu.Unlock()
	c.gen.Add(1)
}

// externalCheck is how often a read asks the database whether another
// process (dxready import, rescore, or a second server) changed the cells.
const externalCheck = time.Second

// fresh makes sure memory holds every committed change, loading it when it
// does not: the first read after a start, a change it missed, or, checked
// at most once a second, a change another process committed.
func (c *cellsMem) fresh(ctx context.Context, r *sql.DB) error {
	c.mu.RLock()
	ok, seq := c.loaded && c.seq >= c.committed.Load(), c.seq
	c.mu.RUnlock()
	if ok && time.Since(time.Unix(0, c.checked.Load())) >= externalCheck {
		c.checked.Store(time.Now().UnixNano())
		var db int64
		if err := r.QueryRowContext(ctx, "SELECT n FROM agg_meta WHERE name = 'seq'").Scan(&db); err != nil {
			return mapErr("cells: seq", err)
		}
		ok = db <= seq
	}
	if ok {
		return nil
	}
	return c.load(ctx, r)
}

// load reads every cell in one read transaction.
func (c *cellsMem) load(ctx context.Context, r *sql.DB) error {
	tx, err := r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return mapErr("cells: load", err)
	}
	defer tx.Rollback()
	var seq int64
	if err := tx.QueryRowContext(ctx, "SELECT n FROM agg_meta WHERE name = 'seq'").Scan(&seq); err != nil {
		return mapErr("cells: load", err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT instrument, grp, stratum, quarter, tally FROM agg_cells")
	if err != nil {
		return mapErr("cells: load", err)
	}
	defer rows.Close()
	loaded := &cellsMem{groups: map[groupKey]*groupCells{}}
	for rows.Next() {
		var k cellKey
		var b []byte
		if err := rows.Scan(&k.Instrument, &k.Group, &k.Stratum, &k.Q, &b); err != nil {
			return err
		}
		t, err := decodeTally(b)
		if err != nil || k.Stratum < 0 || k.Stratum > 1 {
			return fmt.Errorf("store: cells: load %v: malformed (run dxready aggregates rebuild)", k)
		}
		loaded.add(k, &t)
	}
	if err := rows.Err(); err != nil {
		return mapErr("cells: load", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded || seq > c.seq {
		c.groups, c.seq, c.loaded = loaded.groups, seq, true
		// What a load brings may come from another process, which bumped
		// no association's version here: every sharing set is read again.
		c.gen.Add(1)
	}
	return nil
}

// upTo is the tally of group g's stratum at the end of quarter q: the sum
// of its changes up to q.
func (c *cellsMem) upTo(instrument, g string, stratum, q int) disclosure.Tally {
	t := disclosure.NewTally(c.pillars[instrument])
	c.mu.RLock()
	defer c.mu.RUnlock()
	if gc := c.groups[groupKey{instrument, g}]; gc != nil {
		for _, qt := range gc.strata[stratum] {
			if qt.q > q {
				break
			}
			t.Merge(qt.t)
		}
	}
	return t
}

// assocVersion says which state of association a's members the figures
// computed from their rows belong to.
func (c *cellsMem) assocVersion(a int64) [2]uint64 {
	c.verMu.Lock()
	defer c.verMu.Unlock()
	return [2]uint64{c.gen.Load(), c.assocVer[a]}
}

// groupsWith lists the groups of instrument whose key starts with prefix.
func (c *cellsMem) groupsWith(instrument, prefix string) []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []string
	for k := range c.groups {
		if k.instrument == instrument && strings.HasPrefix(k.group, prefix) {
			out = append(out, k.group)
		}
	}
	return out
}

// seqNow is the reconciliation memory holds.
func (c *cellsMem) seqNow() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.seq
}
