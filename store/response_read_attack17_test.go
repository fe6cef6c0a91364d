package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestAttack17PackedReadOfHandWrittenAnswers writes answers by hand that
// SaveAnswers never writes (another tool, the sqlite3 shell): values of
// other SQLite types (integer, real, blob), NUL bytes, invalid UTF-8 and
// multi-byte question IDs, digits and separators where the packing puts
// its lengths, a megabyte-long option, JSON that is not an array of
// strings, and a response without answers. The one-statement read must
// equal the row-by-row read, or both fail; never a panic or another
// answer.
func TestAttack17PackedReadOfHandWrittenAnswers(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir()+"/t.db", Options{Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx, now := context.Background(), time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.w.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO instruments (key, hash, first_used_at) VALUES ('x@1', 'h', ?)`, now)
	long := `["` + strings.Repeat("ắ", 1<<19) + `"]`
	cases := []struct {
		name string
		rows [][2]any // question, options, each as SQLite is to keep it
	}{
		{"no answers", nil},
		{"lengths and separators in the question", [][2]any{{"3 q", `["a"]`}, {"12 ", `["1 2","3"]`}, {" ", `[" "]`}, {"0", `[]`}}},
		{"multi-byte question", [][2]any{{"câu hỏi 1", `["lựa chọn"]`}, {"問題", `["\u00e9"]`}}},
		{"NUL in the question", [][2]any{{"q\x00x", `["a"]`}, {"q", `["b"]`}}},
		{"NUL in an option", [][2]any{{"q", "[\"a\x00b\"]"}}},
		{"invalid UTF-8 in the question", [][2]any{{"q\xff", `["a"]`}}},
		{"integer question", [][2]any{{int64(42), `["a"]`}}},
		{"real question", [][2]any{{1.5, `["a"]`}}},
		{"blob question", [][2]any{{[]byte("qb"), `["a"]`}}},
		{"blob options", [][2]any{{"q", []byte(`["a","b"]`)}}},
		{"integer options", [][2]any{{"q", int64(7)}}},
		{"object options", [][2]any{{"q", `{"a":1}`}}},
		{"string options", [][2]any{{"q", `"a"`}}},
		{"null options", [][2]any{{"q", `null`}, {"r", `["x"]`}}},
		{"nulls in the array", [][2]any{{"q", `["a",null]`}}},
		{"numbers in the array", [][2]any{{"q", `[1,2]`}}},
		{"empty string options", [][2]any{{"q", ``}}},
		{"a megabyte-long option", [][2]any{{"q", long}, {"r", `["x"]`}}},
		{"packing look-alike", [][2]any{{"q", `["a"]1 r2 []`}}},
	}
	for i, c := range cases {
		id := int64(i + 1)
		exec(`INSERT INTO firms (id, tax_code, name, name_folded, search_key, created_at, updated_at) VALUES (?, ?, 'F', 'f', 'f', ?, ?)`,
			id, fmt.Sprintf("37%08d", id), now, now)
		exec(`INSERT INTO responses (id, firm_id, instrument, status, section, size_class, created_at, updated_at) VALUES (?, ?, 'x@1', 'draft', 'C', 'small', ?, ?)`, id, id, now, now)
		for _, r := range c.rows {
			exec(`INSERT INTO answers (response_id, question, options, updated_at) VALUES (?, ?, ?, ?)`, id, r[0], r[1], now)
		}
		for _, qs := range [][]string{nil, {"q", "r", "missing"}} {
			got, err := readResponse(ctx, s.r, id, qs)
			want, wantErr := readResponseByRows(ctx, s.r.DB, id, qs)
			if (err != nil) != (wantErr != nil) {
				t.Errorf("%s: packed read: %v; row by row: %v", c.name, err, wantErr)
				continue
			}
			if err != nil {
				t.Logf("%s: both fail: %v; %v", c.name, err, wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("%s, questions %q:\n got %+v\nwant %+v", c.name, qs, short(got.Answers), short(want.Answers))
			}
		}
	}
}

// short is answers for a message, each option cut to 40 bytes.
func short[M ~map[string]V, V any](m M) string {
	var b strings.Builder
	for k, v := range m {
		s := strings.ReplaceAll(strings.ToValidUTF8(k, "?"), "\x00", `\0`) + "=" + strings.ToValidUTF8(strings.ReplaceAll(fmt.Sprint(v), "\x00", `\0`), "?")
		if len(s) > 60 {
			s = s[:60] + "…"
		}
		b.WriteString(s + "; ")
	}
	return b.String()
}
