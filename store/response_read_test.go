package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"dxready/survey"
)

// awkward are option strings that a plain cut would get wrong: quotes,
// the separator itself, escapes, control characters, non-ASCII and
// invalid UTF-8 (which json.Marshal mends and json.Unmarshal reads back).
var awkward = []string{"", "a", "na", `","`, `"`, `\`, `a","b`, "tab\there", "nl\n", "ắ", "ß½", "\xff", "<&>", " ", "u\u2028", `[]`, `"]`}

// TestOptionsDecodeAsJSONDoes compares appendOptions with json.Unmarshal
// on arrays written by json.Marshal from random strings and on texts
// json.Marshal never writes (spaces, escapes, null, broken arrays).
func TestOptionsDecodeAsJSONDoes(t *testing.T) {
	texts := []string{`[]`, `null`, ` null`, `[ "a" ]`, `["a", "b"]`, `["a\"b"]`, `["\u0061"]`, `["a""b"]`, `["a",]`, `["]`, `[""]`,
		`["",""]`, `["a",""]`, `[","]`, `[1]`, `{}`, ``, `[`, `["a"`, `"a"]`, `["a"]x`, "[\"a\x01\"]", "[\"a\xffb\"]", "[\"\xe1\xba\"]"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		opts := make([]string, rng.IntN(4))
		for i := range opts {
			opts[i] = awkward[rng.IntN(len(awkward))] + awkward[rng.IntN(len(awkward))]
		}
		js, _ := json.Marshal(opts)
		texts = append(texts, string(js))
	}
	for _, js := range texts {
		var want []string
		wantErr := json.Unmarshal([]byte(js), &want)
		prefix := []string{"kept"}
		got, null, err := appendOptions(prefix, js)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: err %v, json.Unmarshal's %v", js, err, wantErr)
		}
		if err != nil {
			continue
		}
		if got[0] != "kept" || !reflect.DeepEqual(append([]string{}, got[1:]...), append([]string{}, want...)) || null != (want == nil) {
			t.Fatalf("%q: %q (null %v), json.Unmarshal gives %q", js, got[1:], null, want)
		}
	}
}

// readResponseByRows is the read that readResponse replaced: the response,
// then its answers row by row, in one read transaction.
func readResponseByRows(ctx context.Context, db *sql.DB, id int64, questions []string) (*survey.Response, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r := &survey.Response{ID: id, Answers: map[string]survey.Answer{}}
	var submitted sql.NullTime
	err = tx.QueryRowContext(ctx, `SELECT firm_id, instrument, status, section, size_class, created_at, updated_at, submitted_at,
		COALESCE(owner_id, 0) FROM responses WHERE id = ?`, id).Scan(&r.FirmID, &r.Instrument, &r.Status, &r.Profile.Section, &r.Profile.Size,
		&r.CreatedAt, &r.UpdatedAt, &submitted, &r.OwnerID)
	if err != nil {
		return nil, mapErr("find response", err)
	}
	r.SubmittedAt = submitted.Time
	js, _ := json.Marshal(questions)
	rows, err := tx.QueryContext(ctx, "SELECT question, options FROM answers WHERE response_id = ? AND (? OR question IN (SELECT value FROM json_each(?)))",
		id, questions == nil, string(js))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var qid, opts string
		if err := rows.Scan(&qid, &opts); err != nil {
			return nil, err
		}
		var a survey.Answer
		if err := json.Unmarshal([]byte(opts), &a.Options); err != nil {
			return nil, err
		}
		r.Answers[qid] = a
	}
	return r, rows.Err()
}

// TestResponseReadEqualsReadingRowByRow fills drafts with random answers
// (question IDs and options of any text, as SaveAnswers stores what it is
// given) and compares the one-statement read with the row-by-row read, in
// full and for random lists of questions.
func TestResponseReadEqualsReadingRowByRow(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir()+"/t.db", Options{Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	ids := seedResponses(t, s, rng)
	for _, id := range ids {
		var lists [][]string
		lists = append(lists, nil, []string{}, []string{"q1", "q 2", "missing"})
		for range 3 {
			lists = append(lists, randomQuestions(rng))
		}
		for _, qs := range lists {
			got, err := readResponse(ctx, s.r, id, qs)
			want, wantErr := readResponseByRows(ctx, s.r.DB, id, qs)
			if err != nil || wantErr != nil {
				t.Fatalf("response %d: %v; row by row: %v", id, err, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("response %d, questions %q:\n got %+v\nwant %+v", id, qs, got, want)
			}
			for q, a := range got.Answers { // the answers share a slice: one grown must not write into the next
				_ = append(a.Options, "appended to "+q)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("response %d: appending to an answer's options changed another: %+v", id, got.Answers)
			}
		}
	}
	if _, err := readResponse(ctx, s.r, 1<<40, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing response: %v", err)
	}
}

// randomQuestions is a list of question IDs, some answered in
// seedResponses and some not.
func randomQuestions(rng *rand.Rand) []string {
	qs := []string{}
	for range rng.IntN(6) {
		qs = append(qs, fmt.Sprintf("q%d", rng.IntN(12)))
	}
	return qs
}

// seedResponses writes a firm and drafts of random answers straight into
// the tables, including awkward question IDs and option texts.
func seedResponses(t *testing.T, s *Store, rng *rand.Rand) []int64 {
	t.Helper()
	ctx, now := context.Background(), time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	mustExec := func(q string, args ...any) sql.Result {
		res, err := s.w.ExecContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res
	}
	mustExec(`INSERT INTO instruments (key, hash, first_used_at) VALUES ('x@1', 'h', ?)`, now)
	var ids []int64
	for f := range 12 {
		res := mustExec(`INSERT INTO firms (tax_code, name, name_folded, search_key, created_at, updated_at) VALUES (?, 'F', 'f', 'f', ?, ?)`,
			fmt.Sprintf("37%08d", f), now, now)
		firm, _ := res.LastInsertId()
		res = mustExec(`INSERT INTO responses (firm_id, instrument, status, section, size_class, created_at, updated_at, owner_id)
			VALUES (?, 'x@1', 'draft', 'C', 'small', ?, ?, NULL)`, firm, now, now)
		id, _ := res.LastInsertId()
		for q := range rng.IntN(12) {
			qid := fmt.Sprintf("q%d", q)
			if q == 2 {
				qid = awkward[rng.IntN(len(awkward))] + " 2"
			}
			opts := make([]string, rng.IntN(4))
			for i := range opts {
				opts[i] = awkward[rng.IntN(len(awkward))]
			}
			js, _ := json.Marshal(opts)
			if rng.IntN(10) == 0 {
				js = []byte(`[ "spaced" ]`)
			}
			mustExec(`INSERT INTO answers (response_id, question, options, updated_at) VALUES (?, ?, ?, ?)`, id, qid, string(js), now)
		}
		ids = append(ids, id)
	}
	return ids
}

// BenchmarkDraftRead reads a draft of 42 answers (the survey's size) the
// old way, row by row in a read transaction, and in one statement.
func BenchmarkDraftRead(b *testing.B) {
	s, err := Open(context.Background(), b.TempDir()+"/t.db", Options{Clock: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx, now := context.Background(), time.Now()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{`INSERT INTO instruments (key, hash, first_used_at) VALUES ('x@1', 'h', ?)`,
		`INSERT INTO firms (tax_code, name, name_folded, search_key, created_at, updated_at) VALUES ('3700000001', 'F', 'f', 'f', ?, ?)`,
		`INSERT INTO responses (firm_id, instrument, status, created_at, updated_at) VALUES (1, 'x@1', 'draft', ?, ?)`} {
		if _, err := s.w.ExecContext(ctx, q, now, now); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 42 {
		opts := `["level_2"]`
		if i%5 == 0 {
			opts = `["erp","crm","cloud_storage"]`
		}
		if _, err := s.w.ExecContext(ctx, `INSERT INTO answers (response_id, question, options, updated_at) VALUES (1, ?, ?, ?)`,
			fmt.Sprintf("pillar%d.question_%d", i/7, i), opts, now); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("rows", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if r, err := readResponseByRows(ctx, s.r.DB, 1, nil); err != nil || len(r.Answers) != 42 {
				b.Fatal(err)
			}
		}
	})
	b.Run("packed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if r, err := readResponse(ctx, s.r, 1, nil); err != nil || len(r.Answers) != 42 {
				b.Fatal(err)
			}
		}
	})
}
