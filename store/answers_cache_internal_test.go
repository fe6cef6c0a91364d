package store

import (
	"testing"

	"dxready/survey"
)

// keptAt returns the answers kept for response id at version v.
func keptAt(c *answersCache, id int64, v answersVersion) (map[string]survey.Answer, bool) {
	k := c.keptFor(id)
	if k.answers == nil || k.v != v {
		return nil, false
	}
	return k.answers, true
}

func keptLen(c *answersCache) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.kept)
}

// The cache holds at most its bound of responses, however many are read.
func TestAnswersCacheIsBounded(t *testing.T) {
	c := newAnswersCache(4)
	for id := range int64(100) {
		c.put(id, answersVersion{key: 7, rev: id}, map[string]survey.Answer{})
		if n := keptLen(c); n > 4 {
			t.Fatalf("after %d puts %d kept, bound 4", id+1, n)
		}
	}
	if _, ok := keptAt(c, 99, answersVersion{key: 7, rev: 99}); !ok {
		t.Fatal("the last put is not kept")
	}
	c.reset()
	if n := keptLen(c); n != 0 {
		t.Fatalf("%d kept after reset", n)
	}
}

// A read that began before a save put its older answers after the save
// moved them on: the newer stay. A save that did not start from what is
// kept keeps nothing for its version.
func TestAnswersCacheKeepsTheNewer(t *testing.T) {
	c := newAnswersCache(4)
	v1, v2, v3 := answersVersion{key: 1, rev: 1}, answersVersion{key: 1, rev: 2}, answersVersion{key: 1, rev: 3}
	c.put(1, v1, map[string]survey.Answer{"a": {Options: []string{"x"}}})
	c.advance(1, v1, v2, map[string]survey.Answer{"b": {}})
	c.put(1, v1, map[string]survey.Answer{"a": {Options: []string{"x"}}})
	got, ok := keptAt(c, 1, v2)
	if !ok || len(got) != 2 || got["b"].Options == nil || got["a"].Options[0] != "x" {
		t.Fatalf("kept %+v, %v", got, ok)
	}
	c.advance(1, v1, v3, map[string]survey.Answer{"c": {}})
	if _, ok := keptAt(c, 1, v3); ok {
		t.Fatal("a save from a version not kept was kept")
	}
	// another response under the same ID (another record key) replaces it
	c.put(1, answersVersion{key: 2, rev: 1}, map[string]survey.Answer{})
	if _, ok := keptAt(c, 1, v2); ok {
		t.Fatal("the deleted response's answers are still kept")
	}
}
