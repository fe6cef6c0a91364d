package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// changesText is response id's logged changes, newest first, as
// "question=options by user".
func changesText(t *testing.T, s *store.Store, id int64) []string {
	t.Helper()
	ch, err := s.AnswerChanges(ctx, id, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range ch {
		out = append(out, c.Question+"=["+strings.Join(c.Options, ",")+"] by "+c.UserName+" at "+c.At.UTC().Format(time.DateTime))
	}
	return out
}

// TestAnswersLogEveryChangeOnce: the answers' triggers (migration 0033)
// log each answer the store inserts or changes, once, with the saving
// user and time; an answer sent again unchanged logs nothing. A raw
// connection's change of an answer's options is logged too; a write that
// changes only who last wrote it (a user deleted sets it to NULL), or
// writes the same options again, logs nothing.
func TestAnswersLogEveryChangeOnce(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	d, err := s.Draft(ctx, fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "small"}, fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	at := fx.Clock.Now().UTC().Format(time.DateTime)
	save := func(a map[string]survey.Answer) {
		t.Helper()
		if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, a, fx.FirmUser.ID); err != nil {
			t.Fatal(err)
		}
	}
	save(map[string]survey.Answer{"cx.website": {Options: []string{"weekly"}}, "cx.tools": {Options: []string{"crm", "email"}}})
	want := []string{
		"cx.website=[weekly] by Nguyễn Văn An at " + at,
		"cx.tools=[crm,email] by Nguyễn Văn An at " + at,
	}
	if got := changesText(t, s, d.ID); !slices.Equal(got, want) {
		t.Fatalf("after the first save the log is\n%q\nwant\n%q", got, want)
	}
	fx.Clock.Add(time.Minute)
	at2 := fx.Clock.Now().UTC().Format(time.DateTime)
	save(map[string]survey.Answer{"cx.website": {Options: []string{"weekly"}}, "cx.tools": {Options: []string{"crm"}}})
	want = append([]string{"cx.tools=[crm] by Nguyễn Văn An at " + at2}, want...)
	if got := changesText(t, s, d.ID); !slices.Equal(got, want) {
		t.Fatalf("after a save changing one answer the log is\n%q\nwant\n%q", got, want)
	}

	db := openRaw(t, s)
	for _, q := range []string{
		`UPDATE answers SET updated_by = NULL WHERE response_id = ?`,
		`UPDATE answers SET options = options, updated_at = '2026-09-09 09:09:09' WHERE response_id = ?`,
	} {
		if _, err := db.Exec(q, d.ID); err != nil {
			t.Fatal(err)
		}
		if got := changesText(t, s, d.ID); !slices.Equal(got, want) {
			t.Fatalf("%s logged\n%q\nwant\n%q", q, got, want)
		}
	}
	if _, err := db.Exec(`UPDATE answers SET options = '["daily"]', updated_at = '2026-10-10 10:10:10' WHERE response_id = ? AND question = 'cx.website'`, d.ID); err != nil {
		t.Fatal(err)
	}
	want = append([]string{"cx.website=[daily] by  at 2026-10-10 10:10:10"}, want...)
	if got := changesText(t, s, d.ID); !slices.Equal(got, want) {
		t.Fatalf("a raw change of an answer logged\n%q\nwant\n%q", got, want)
	}
	r, err := s.FindResponse(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Answers["cx.website"].Options; !slices.Equal(got, []string{"daily"}) {
		t.Fatalf("after the raw change the draft reads cx.website %v, want [daily]", got)
	}
}
