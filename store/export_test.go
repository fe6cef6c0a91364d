package store

import (
	"context"
	"database/sql"

	"dxready/disclosure"
	"dxready/scoring"
	"dxready/survey"
)

// CellTally is group g's stratum's tally at the end of quarter q as the
// cells in memory hold it (g: "p", "a:<id>", "d:<division>", …).
func CellTally(s *Store, instrument, g string, stratum int, q scoring.Quarter) (disclosure.Tally, error) {
	if err := s.cells.fresh(context.Background(), s.r.DB); err != nil {
		return disclosure.Tally{}, err
	}
	return s.cells.upTo(instrument, g, stratum, quarterIndex(q)), nil
}

// AppendedFirms is how many changed firms drains have taken from their
// kept inputs with their new results added, rather than read whole.
func AppendedFirms(s *Store) int64 { return s.cells.appended.Load() }

// KeptResults is how many results firm id's kept inputs (agg_inputs)
// hold, decoded as a drain would.
func KeptResults(s *Store, id int64) (int, error) {
	var b []byte
	if err := s.r.DB.QueryRowContext(context.Background(), "SELECT data FROM agg_inputs WHERE firm_id = ?", id).Scan(&b); err != nil {
		return 0, err
	}
	in, err := decodeInputs(id, b)
	if err != nil {
		return 0, err
	}
	return len(in.Results), nil
}

// DropCellsMemory forgets the cells in memory, as a restart would.
func DropCellsMemory(s *Store) { s.cells.invalidate() }

// InsertBookingUnchecked writes a booking without the free-slot check, to
// prove the database's own overlap rule.
func InsertBookingUnchecked(s *Store, advisorID, firmID, start, end int64) error {
	return s.inTx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO bookings (advisor_id, firm_id, start_at, end_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			advisorID, firmID, start, end, s.now(), s.now())
		return bookingErr(err)
	})
}

// RerunMigration runs migration version again on the data as it is now,
// as Migrate would on a database made before it (later migrations stay
// applied).
func RerunMigration(s *Store, version int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return s.inTx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(ms[version-1].sql)
		return err
	})
}

// CloseReaders closes the read pool under a live store, so reads fail.
func CloseReaders(s *Store) { s.r.Close() }

// SetFewMembers sets how many matches of a member list's name filter are
// paged by id rather than by walking an order's index, until the returned
// func restores it.
func SetFewMembers(n int) (restore func()) {
	old := fewMembers
	fewMembers = n
	return func() { fewMembers = old }
}

// SetGramCandidates sets how many firms the trigram index may offer for a
// member list's name filter before the list is walked instead (0: never
// read the index), until the returned func restores it.
func SetGramCandidates(n int) (restore func()) {
	old := gramCandidates
	gramCandidates = n
	return func() { gramCandidates = old }
}

// GramAnswers reports whether the trigram index answers f's name filter
// (PageMembers then counts and lists the candidates it offers only).
func GramAnswers(s *Store, f MemberFilter) (bool, error) {
	name, err := s.memberNameCond(context.Background(), f.Query)
	if err != nil {
		return false, err
	}
	var c Count
	_, ok, err := s.gramMembers(context.Background(), f, name, &c)
	return ok, err
}

// MemberWindowNow is how many members one member-list request examines.
func MemberWindowNow() int { return int(memberWindow.Load()) }

// ReadResponseUnkept reads response id whole from the database, past the
// answers kept in memory (answers_cache.go), in ctx's read view if any.
func ReadResponseUnkept(ctx context.Context, s *Store, id int64) (*survey.Response, error) {
	return readResponse(ctx, s.r, id, nil)
}

// AnswersKeptCounts are the answers cache's counts so far: reads answered
// from memory, reads of the answers from the database, saves that moved
// the kept answers on; and how many responses' answers are kept.
func AnswersKeptCounts(s *Store) (hits, misses, through int64, kept int) {
	c := s.answers
	c.mu.Lock()
	kept = len(c.kept)
	c.mu.Unlock()
	return c.hits.Load(), c.misses.Load(), c.through.Load(), kept
}

// StepsDecidedOnKeptAnswers is how many step saves were decided on the
// answers kept in memory, not on answers SQLite packed.
func StepsDecidedOnKeptAnswers(s *Store) int64 { return s.answers.decided.Load() }
