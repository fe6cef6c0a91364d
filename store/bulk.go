package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"dxready/firms"
	"dxready/survey"
)

// LoadedFirm is a firm loaded in bulk (the demo province, or a migration
// from another system) with what it has done: the associations it belongs
// to, those of them it shares its results with, and its submitted
// assessments (their FirmID is set by LoadFirms).
type LoadedFirm struct {
	Firm         *firms.Firm
	Associations []int64
	SharesWith   []int64
	Submissions  []PastSubmission
	rows         *firmRows // see PrepareLoad
}

// firmRows is what LoadFirms writes of a LoadedFirm that does not depend
// on the database: the firm's columns (but its times) and each
// submission's answers as stored.
type firmRows struct {
	firm    []any
	answers [][]answerRow
}

type answerRow struct{ question, options string }

// PrepareLoad works out, for each firm of batch, the rows LoadFirms will
// write (names folded for search, answers encoded), so that a caller
// with a core to spare can do it before LoadFirms while the previous
// batch is written; the batch must not change afterwards. LoadFirms
// prepares the firms it is given unprepared.
func PrepareLoad(batch []LoadedFirm) {
	for i := range batch {
		lf := &batch[i]
		r := &firmRows{firm: firmColumnArgs(lf.Firm), answers: make([][]answerRow, len(lf.Submissions))}
		for k, sub := range lf.Submissions {
			r.answers[k] = answerRows(sub.Answers)
		}
		lf.rows = r
	}
}

// answerRows encodes answers as the answers table stores them.
func answerRows(answers map[string]survey.Answer) []answerRow {
	rows := make([]answerRow, 0, len(answers))
	for q, a := range answers {
		js, _ := json.Marshal(a.Options)
		rows = append(rows, answerRow{q, string(js)})
	}
	return rows
}

// LoadFirms inserts one batch of firms with their memberships, submitted
// assessments (to in, which may be nil when none has any) and sharing, in
// one transaction, and sets each firm's ID and times. A demo firm gets its
// registry address (as AddDemoRegistryContacts gives it). Callers load a
// large registry a batch at a time, so that neither their memory nor the
// transaction grows with it. A taken tax code is ErrConflict; sharing with
// an association the firm is not a member of is an error; after an error
// nothing of the batch is written (and the IDs it set mean nothing).
func (s *Store) LoadFirms(ctx context.Context, in *survey.Instrument, batch []LoadedFirm) error {
	if len(batch) == 0 {
		return nil
	}
	for i := range batch {
		if batch[i].rows == nil {
			PrepareLoad(batch[i : i+1])
		}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		first, last, err := loadFirmRows(ctx, tx, batch, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO firms_fts (rowid, search_key) SELECT id, search_key FROM firms WHERE id BETWEEN ? AND ?",
			first, last); err != nil {
			return mapErr("index firms", err)
		}
		if err := demoRegistryContacts(ctx, tx, first, last, now); err != nil {
			return err
		}
		if err := loadMemberships(ctx, tx, batch, now); err != nil {
			return err
		}
		if err := loadFirmSubmissions(ctx, tx, in, batch, now); err != nil {
			return err
		}
		return loadSharing(ctx, tx, batch, now)
	})
}

// loadFirmRows inserts the batch's firms and returns the first and last
// IDs given, which are consecutive: nothing else writes meanwhile.
func loadFirmRows(ctx context.Context, tx *sql.Tx, batch []LoadedFirm, now time.Time) (first, last int64, err error) {
	stmt, err := tx.PrepareContext(ctx, insertFirmSQL)
	if err != nil {
		return 0, 0, err
	}
	defer stmt.Close()
	for i, lf := range batch {
		f := lf.Firm
		f.CreatedAt, f.UpdatedAt = now, now
		res, err := stmt.ExecContext(ctx, append(lf.rows.firm, now, now)...)
		if err != nil {
			return 0, 0, mapErr("load firm "+string(f.TaxCode), err)
		}
		if f.ID, err = res.LastInsertId(); err != nil {
			return 0, 0, err
		}
		if i == 0 {
			first = f.ID
		}
	}
	return first, batch[len(batch)-1].Firm.ID, nil
}

func loadMemberships(ctx context.Context, tx *sql.Tx, batch []LoadedFirm, now time.Time) error {
	stmt, err := tx.PrepareContext(ctx, insertMembershipSQL)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, lf := range batch {
		for _, a := range lf.Associations {
			if _, err := stmt.ExecContext(ctx, lf.Firm.ID, a, now); err != nil {
				return mapErr("load membership", err)
			}
		}
	}
	return nil
}

func loadFirmSubmissions(ctx context.Context, tx *sql.Tx, in *survey.Instrument, batch []LoadedFirm, now time.Time) error {
	var l *submissionLoader
	for _, lf := range batch {
		for k, sub := range lf.Submissions {
			if l == nil {
				if in == nil {
					return errors.New("store: load firms: submissions without an instrument")
				}
				var err error
				if l, err = newSubmissionLoader(ctx, tx, in, now); err != nil {
					return err
				}
				defer l.close()
			}
			sub.FirmID = lf.Firm.ID
			if err := l.loadRows(ctx, sub, lf.rows.answers[k]); err != nil {
				return err
			}
		}
	}
	if l == nil {
		return nil
	}
	return l.flush(ctx)
}

func loadSharing(ctx context.Context, tx *sql.Tx, batch []LoadedFirm, now time.Time) error {
	for _, lf := range batch {
		for _, a := range lf.SharesWith {
			added, err := addSharing(ctx, tx, lf.Firm.ID, a, now)
			if err != nil {
				return err
			}
			if !added {
				return fmt.Errorf("store: load firms: firm %s shares with association %d, which it is not a member of", lf.Firm.TaxCode, a)
			}
		}
	}
	return nil
}

// submissionLoader inserts submitted responses through statements
// prepared once per transaction; answers and pillar scores go many rows to
// a statement. Call flush before the transaction commits.
type submissionLoader struct {
	in              *survey.Instrument
	resp, cur       *sql.Stmt
	answers, scores *multiInsert
}

func newSubmissionLoader(ctx context.Context, tx *sql.Tx, in *survey.Instrument, now time.Time) (*submissionLoader, error) {
	if _, err := tx.ExecContext(ctx, "INSERT INTO instruments (key, hash, first_used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
		in.Key(), in.Hash, now); err != nil {
		return nil, err
	}
	l := &submissionLoader{in: in,
		answers: newMultiInsert(tx, "INSERT INTO answers (response_id, question, options, updated_at) VALUES ", 4),
		scores:  newMultiInsert(tx, "INSERT INTO pillar_scores (response_id, pillar, score, scored) VALUES ", 4)}
	var err error
	if l.resp, err = tx.PrepareContext(ctx, `INSERT INTO responses (firm_id, instrument, status, section, size_class, created_at, updated_at,
			submitted_at, overall, level) VALUES (?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?)`); err != nil {
		return nil, err
	}
	if l.cur, err = tx.PrepareContext(ctx, `INSERT INTO current_results (firm_id, response_id, instrument, submitted_at, overall, level)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (firm_id) DO UPDATE SET response_id = excluded.response_id,
			instrument = excluded.instrument, submitted_at = excluded.submitted_at, overall = excluded.overall, level = excluded.level
			WHERE excluded.submitted_at > current_results.submitted_at`); err != nil {
		l.close()
		return nil, err
	}
	return l, nil
}

// load inserts sub (a response started 40 minutes before it was
// submitted) and points its firm's current result at it when it is the
// firm's latest.
func (l *submissionLoader) load(ctx context.Context, sub PastSubmission) error {
	return l.loadRows(ctx, sub, answerRows(sub.Answers))
}

// loadRows is load with sub's answers already encoded.
func (l *submissionLoader) loadRows(ctx context.Context, sub PastSubmission, answers []answerRow) error {
	at := sub.SubmittedAt.UTC()
	started := at.Add(-40 * time.Minute)
	res, err := l.resp.ExecContext(ctx, sub.FirmID, l.in.Key(), sub.Profile.Section, sub.Profile.Size, started, at, at, sub.Result.Overall, sub.Result.Level)
	if err != nil {
		return mapErr("load response", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	// Boxed once for all the response's rows: forty answers would
	// otherwise allocate forty copies of each.
	idArg, atArg := any(id), any(at)
	for _, a := range answers {
		if err := l.answers.add(ctx, idArg, a.question, a.options, atArg); err != nil {
			return mapErr("load answer", err)
		}
	}
	for _, p := range sub.Result.Pillars {
		if err := l.scores.add(ctx, idArg, p.PillarID, p.Score, p.Scored); err != nil {
			return mapErr("load pillar score", err)
		}
	}
	_, err = l.cur.ExecContext(ctx, sub.FirmID, id, l.in.Key(), at, sub.Result.Overall, sub.Result.Level)
	return mapErr("load current result", err)
}

// flush writes the answers and pillar scores still held.
func (l *submissionLoader) flush(ctx context.Context) error {
	if err := l.answers.flush(ctx); err != nil {
		return mapErr("load answers", err)
	}
	return mapErr("load pillar scores", l.scores.flush(ctx))
}

func (l *submissionLoader) close() {
	for _, st := range []*sql.Stmt{l.resp, l.cur} {
		if st != nil {
			st.Close()
		}
	}
	l.answers.close()
	l.scores.close()
}

// multiRows is how many rows one multi-row INSERT carries: each statement
// run costs far more than a row, and 64 rows of 4 columns stay well under
// SQLite's limit of 32,766 parameters.
const multiRows = 64

// multiInsert sends rows to one table multiRows at a time through a
// prepared multi-row INSERT; flush sends what is left.
type multiInsert struct {
	tx        *sql.Tx
	head, row string
	cols      int
	full      *sql.Stmt
	args      []any
}

func newMultiInsert(tx *sql.Tx, head string, cols int) *multiInsert {
	return &multiInsert{tx: tx, head: head, cols: cols, row: "(?" + strings.Repeat(", ?", cols-1) + ")"}
}

func (m *multiInsert) statement(rows int) string {
	return m.head + m.row + strings.Repeat(", "+m.row, rows-1)
}

func (m *multiInsert) add(ctx context.Context, vals ...any) error {
	m.args = append(m.args, vals...)
	if len(m.args) < multiRows*m.cols {
		return nil
	}
	if m.full == nil {
		var err error
		if m.full, err = m.tx.PrepareContext(ctx, m.statement(multiRows)); err != nil {
			return err
		}
	}
	_, err := m.full.ExecContext(ctx, m.args...)
	m.args = m.args[:0]
	return err
}

func (m *multiInsert) flush(ctx context.Context) error {
	if len(m.args) == 0 {
		return nil
	}
	_, err := m.tx.ExecContext(ctx, m.statement(len(m.args)/m.cols), m.args...)
	m.args = m.args[:0]
	return err
}

func (m *multiInsert) close() {
	if m.full != nil {
		m.full.Close()
	}
}

// bulkTables are the tables LoadFirms writes that have secondary indexes.
var bulkTables = []string{"firms", "firm_associations", "responses", "current_results", "sharing_events", "firm_registry_contacts"}

// BulkLoad runs load, which calls LoadFirms many times, with the
// secondary indexes of the tables LoadFirms writes dropped, and creates
// them again afterwards, whether load failed or not: one sort per index
// instead of a random insertion per row. Nothing else may use the store
// meanwhile, as its queries would lack those indexes: the demo, which
// builds a file that nobody else opens until it is complete. The
// aggregates' change log triggers are dropped too (about ten a firm, a
// million firms' worth of log to empty), and their cells derived once at
// the end, in bounded chunks, with the indexes back; so are the admin
// search's words (firm_words), derived at the end in one sorted insert.
func (s *Store) BulkLoad(ctx context.Context, load func() error) error {
	dropped, err := s.bulkDroppable(ctx)
	if err != nil {
		return err
	}
	for _, d := range dropped {
		if _, err := s.w.ExecContext(ctx, "DROP "+d.kind+` "`+d.name+`"`); err != nil {
			return fmt.Errorf("store: bulk load: drop %s %s: %w", d.kind, d.name, err)
		}
	}
	s.cells.suspend.Add(1)
	err = load()
	s.cells.suspend.Add(-1)
	s.answers.reset() // written with their versions' triggers dropped
	// Recreated even when ctx has ended, so the schema is whole again.
	for _, d := range dropped {
		if _, cerr := s.w.ExecContext(context.WithoutCancel(ctx), d.sql); cerr != nil {
			err = errors.Join(err, fmt.Errorf("store: bulk load: create %s %s: %w", d.kind, d.name, cerr))
		}
	}
	if err != nil {
		return err
	}
	if err := s.rebuildFirmWords(ctx); err != nil {
		return err
	}
	if err := s.rebuildMemberNameGrams(ctx); err != nil {
		return err
	}
	if err := s.rebuildCells(ctx); err != nil {
		return err
	}
	return s.rebuildFunnel(ctx)
}

// schemaObject is an index or trigger a bulk load drops and creates again.
type schemaObject struct{ kind, name, sql string }

// bulkDroppable returns each index declared on bulkTables (not those of
// primary keys and UNIQUE constraints) and each trigger of the aggregates'
// change log (migration 0018), the funnel's (0021), firm_words' (0026),
// member_name_grams' (0029) and the answers' versions (0032: nothing reads
// a draft while the store is built, and BulkLoad forgets the answers kept).
func (s *Store) bulkDroppable(ctx context.Context) ([]schemaObject, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT upper(type), name, sql FROM sqlite_schema
		WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?))
		OR type = 'trigger' AND (name LIKE 'agg\_%' ESCAPE '\' OR name LIKE 'funnel\_%' ESCAPE '\'
			OR name LIKE 'firm\_words\_%' ESCAPE '\' OR name LIKE 'member\_name\_grams\_%' ESCAPE '\'
			OR name LIKE 'answers\_rev\_%' ESCAPE '\') ORDER BY type, name`, stringsJSON(bulkTables))
	if err != nil {
		return nil, mapErr("bulk load: schema", err)
	}
	defer rows.Close()
	var out []schemaObject
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.kind, &o.name, &o.sql); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, mapErr("bulk load: schema", rows.Err())
}

func stringsJSON(ss []string) string {
	b, _ := json.Marshal(ss)
	return string(b)
}
