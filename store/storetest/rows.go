package storetest

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"dxready/store"
)

// draftTables are the rows a survey's writes leave, each table's columns
// but its row ID (answer_events' IDs follow the order concurrent saves
// ran in), ordered by all of them.
var draftTables = []string{
	`SELECT id, firm_id, instrument, status, section, size_class, created_at, updated_at, submitted_at, COALESCE(owner_id, 0),
		COALESCE(created_by, 0), COALESCE(submitted_by, 0), overall, level FROM responses ORDER BY id`,
	`SELECT response_id, question, options, COALESCE(updated_by, 0), updated_at FROM answers ORDER BY response_id, question`,
	`SELECT response_id, question, options, COALESCE(user_id, 0), at FROM answer_events ORDER BY response_id, question, at, options, user_id`,
	`SELECT firm_id, response_id, instrument, submitted_at, overall, level FROM current_results ORDER BY firm_id`,
}

// DraftRows is every stored response, answer, answer change and current
// result of s, as text, read on a connection of its own: what two stores
// given the same survey requests must hold alike.
func DraftRows(t testing.TB, s *store.Store) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	for _, q := range draftTables {
		if err := dumpRows(db, q, &b); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func dumpRows(db *sql.DB, q string, b *strings.Builder) error {
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		fmt.Fprintln(b, vals...)
	}
	b.WriteString("--\n")
	return rows.Err()
}
