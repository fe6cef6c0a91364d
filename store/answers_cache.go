package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"

	"dxready/survey"
)

// Every page of the survey shows its draft whole: the progress counts
// every answer. Reading the answers behind each page (some 42 rows packed
// into one string, then cut up) was a sixth of the server's CPU in the
// load tool's firm cycle, although between two pages only the step just
// saved had changed. The store keeps the answers of the responses read
// last in memory, each under its version (answersVersion). A read's one
// statement packs the answers only when the response is not at the
// version kept; otherwise the answers kept are taken. A step save
// (SaveStep) that started from the version kept moves the kept answers on
// to the version it wrote, once its batch has committed, so the page
// after it packs nothing either.
//
// The version is moved by SQLite's triggers on every change to an answer
// (migration 0032), whoever makes it, so the answers kept are never shown
// for another state: no code path has to remember to forget them.

// answersCacheMax bounds how many responses' answers are kept: a response
// of 42 answers holds about 5 KB, so 1,024 are about 5 MB. That is more
// drafts than are worked on in the same few minutes at 68,000 firms (the
// load tool's 64 clients work on 64); a draft pushed out is read whole
// again on its next page, as every page was before.
const answersCacheMax = 1024

// answersVersion names one state of a response's answers: the response's
// record key (random at each insert, so a response that took the id of a
// deleted one is told apart) and answers_rev, which moves at every
// change to one of its answers.
type answersVersion struct{ key, rev int64 }

// answersCache is the answers kept, by response ID. The maps it holds are
// shared with every response read from it, and never changed: a change
// makes a new map.
type answersCache struct {
	mu      sync.Mutex
	max     int
	kept    map[int64]keptAnswers
	hits    atomic.Int64 // reads answered from what was kept
	misses  atomic.Int64 // reads of the answers from the database
	through atomic.Int64 // saves that moved the kept answers on
	decided atomic.Int64 // step saves decided on the answers kept
}

type keptAnswers struct {
	v       answersVersion
	answers map[string]survey.Answer
}

func newAnswersCache(max int) *answersCache {
	return &answersCache{max: max, kept: make(map[int64]keptAnswers)}
}

// put keeps answers as response id's at version v, unless what is kept
// is newer (a save moved it on while this read ran). When the cache is
// full, another response's answers make room: whichever the map's order
// gives, which is as good as any for drafts worked on at once.
func (c *answersCache) put(id int64, v answersVersion, answers map[string]survey.Answer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.kept[id]
	if ok && k.v.key == v.key && k.v.rev > v.rev {
		return
	}
	if !ok && len(c.kept) >= c.max {
		for other := range c.kept {
			delete(c.kept, other)
			break
		}
	}
	c.kept[id] = keptAnswers{v: v, answers: answers}
}

// advance moves response id's kept answers from version from to version
// to, with saved written over them: what a save that started from from
// and committed to wrote. Nothing is kept when from is not what is kept.
func (c *answersCache) advance(id int64, from, to answersVersion, saved map[string]survey.Answer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.kept[id]
	if !ok || k.v != from {
		return
	}
	next := make(map[string]survey.Answer, len(k.answers)+len(saved))
	for q, a := range k.answers {
		next[q] = a
	}
	for q, a := range saved {
		stored, err := storedAnswer(a)
		if err != nil { // cannot be (json.Marshal wrote it): the next read packs them
			delete(c.kept, id)
			return
		}
		next[q] = stored
	}
	c.kept[id] = keptAnswers{v: to, answers: next}
	c.through.Add(1)
}

// storedAnswer is a as a read of the database gives it back: its options
// as answersJSON writes them (nil as [], a string that is not UTF-8 with
// U+FFFD for each bad byte), cut again as unpackAnswers cuts them.
func storedAnswer(a survey.Answer) (survey.Answer, error) {
	opts := a.Options
	if opts == nil {
		opts = []string{}
	}
	js, err := json.Marshal(opts)
	if err != nil {
		return survey.Answer{}, err
	}
	all, null, err := appendOptions(make([]string, 0, len(opts)), string(js))
	if err != nil || null {
		return survey.Answer{}, cmp.Or(err, errPacked)
	}
	return survey.Answer{Options: all[:len(all):len(all)]}, nil
}

// reset forgets everything kept: after a bulk load, which writes answers
// with the triggers that move their versions dropped.
func (c *answersCache) reset() {
	c.mu.Lock()
	clear(c.kept)
	c.mu.Unlock()
}

// keptFor returns what is kept for response id: its version and answers
// (zero and nil when nothing is).
func (c *answersCache) keptFor(id int64) keptAnswers {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.kept[id]
}

// read reads response id through q in one statement (readKept) that
// packs its answers only when they are not those kept: when it does not,
// the response is still at the version kept as the read began, and the
// answers kept then are its answers. What it packs is kept.
func (c *answersCache) read(ctx context.Context, q rowQuerier, id int64) (*survey.Response, error) {
	k := c.keptFor(id)
	var keptID, key, rev any // NULL when nothing is kept: no row matches, the answers are packed
	if k.answers != nil {
		keptID, key, rev = id, k.v.key, k.v.rev
	}
	r, v, packed, err := scanResponseRow(q.QueryRowContext(ctx, readKept, keptID, key, rev, id), "find response", id)
	if err != nil {
		return nil, err
	}
	if !packed.Valid {
		c.hits.Add(1)
		r.Answers = k.answers
		return r, nil
	}
	c.misses.Add(1)
	if r.Answers, err = unpackAnswers(packed.String); err != nil {
		return nil, fmt.Errorf("store: answers of response %d: %w", r.ID, err)
	}
	c.put(r.ID, v, r.Answers)
	return r, nil
}
