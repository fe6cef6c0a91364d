package web

import (
	"encoding/hex"
	"sync"

	"dxready/locale"
	"dxready/scoring"
	"dxready/survey"
)

// keptScoresMax bounds the scores kept from submissions for the result
// pages that follow them: a score is a few kB (pillars, losses, path), so
// at most some 1 MB in all.
const keptScoresMax = 256

// scoreKey names a score: its response and a hash of the response's
// version (survey.Response.Version: its instrument, profile and answers).
// A response whose answers changed since (by hand in the database) has
// another version, so a kept score is never taken for answers it was not
// computed from; and a kept score is found only by its own response.
type scoreKey struct {
	response int64
	version  [16]byte
}

// keyOf is resp's score key, from its version as it is now.
func keyOf(resp *survey.Response) scoreKey {
	k := scoreKey{response: resp.ID}
	v := resp.Version()
	if _, err := hex.Decode(k.version[:], []byte(v)); err != nil {
		copy(k.version[:], v) // not hex: Version always is; any bytes of it still tell versions apart
	}
	return k
}

// keptScores are the scores submissions computed, kept for the result page
// each redirects to, which would otherwise score the same answers again;
// at most keptScoresMax, the oldest dropped first. A score is a pure
// function of what its key names, so a kept one is the page's own.
type keptScores struct {
	mu    sync.Mutex
	byKey map[scoreKey]scoring.Result
	order []scoreKey // ring of the keys in byKey, oldest at next
	next  int
	// notes are the result page's note on levels by instrument and
	// language: the same text for every result.
	notes sync.Map
}

// keep keeps res, the score of resp as submitted.
func (k *keptScores) keep(resp *survey.Response, res scoring.Result) {
	key := keyOf(resp)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.byKey == nil {
		k.byKey = make(map[scoreKey]scoring.Result, keptScoresMax)
		k.order = make([]scoreKey, 0, keptScoresMax)
	}
	if _, ok := k.byKey[key]; ok {
		k.byKey[key] = res
		return
	}
	if len(k.order) < keptScoresMax {
		k.order = append(k.order, key)
	} else {
		delete(k.byKey, k.order[k.next])
		k.order[k.next] = key
		k.next = (k.next + 1) % keptScoresMax
	}
	k.byKey[key] = res
}

// score is resp's score under in: the one kept for resp's response at its
// version now, or computed.
func (k *keptScores) score(in *survey.Instrument, resp *survey.Response) scoring.Result {
	key := keyOf(resp)
	k.mu.Lock()
	res, ok := k.byKey[key]
	k.mu.Unlock()
	if ok {
		return res
	}
	return scoring.Score(in, resp.Profile, resp.Answers)
}

// len is how many scores are kept.
func (k *keptScores) len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.byKey)
}

// levelsNote is levelsNote(in, loc, l), written once per instrument and
// language.
func (k *keptScores) levelsNote(in *survey.Instrument, loc *locale.Localizer, l string) string {
	key := in.Key() + "\x00" + l
	if s, ok := k.notes.Load(key); ok {
		return s.(string)
	}
	s := levelsNote(in, loc, l)
	k.notes.Store(key, s)
	return s
}
