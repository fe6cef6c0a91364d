package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"dxready/survey"
)

// Every page of the survey reads its draft whole (the progress bar counts
// every answer): some 42 answers, read as 42 rows, each two strings and a
// JSON decode, inside a transaction of its own, was a tenth of the server's
// CPU in the load tool's firm cycle. The response and its answers are now
// one row of one statement (a statement is its own read transaction, so
// they are read consistently): the answers packed by SQLite as
// length-prefixed fields into one string, which is cut without copying,
// and each answer's options decoded by hand when they are plain strings.

// responseSelect reads a response, its answers' version (answersVersion)
// and its packed answers (packAnswers) in one row, then its id; the
// answers' subquery is left open for a condition and closed by readAll,
// readSome and readOpen.
const responseSelect = responseHead + answersPacked

// responseHead is responseSelect up to the packed answers, answersPacked
// their subquery (left open).
const (
	responseHead = `SELECT r.firm_id, r.instrument, r.status, r.section, r.size_class, r.created_at, r.updated_at,
	r.submitted_at, COALESCE(r.owner_id, 0), r.record_key, r.answers_rev, `
	answersPacked = `(SELECT COUNT(*) || ' ' || COALESCE(group_concat(octet_length(a.question) || ' ' || a.question ||
		octet_length(a.options) || ' ' || a.options, ''), '')
		FROM answers a WHERE a.response_id = r.id`
)

// readAll and readSome are responseSelect for every answer or for those
// to the questions of a JSON list; readOpen is readAll of a firm's open
// draft (firm, owner), found in the same statement, with its id. readKept
// is readAll of response ?4 whose answers are packed only when it is not
// response ?1 at record key ?2 and version ?3: the answers kept in memory
// (answers_cache.go).
const (
	readAll  = responseSelect + `), r.id FROM responses r WHERE r.id = ?`
	readSome = responseSelect + ` AND a.question IN (SELECT value FROM json_each(?))), r.id FROM responses r WHERE r.id = ?`
	readOpen = responseSelect + `), r.id FROM responses r WHERE r.firm_id = ? AND COALESCE(r.owner_id, 0) = ? AND r.status = 'draft'`
	readKept = responseHead + `CASE WHEN r.id = ? AND r.record_key = ? AND r.answers_rev = ? THEN NULL ELSE ` + answersPacked +
		`) END, r.id FROM responses r WHERE r.id = ?`
)

// readResponse reads response id and its answers (all when questions is
// nil) through q, the read pool or a write transaction.
func readResponse(ctx context.Context, q rowQuerier, id int64, questions []string) (*survey.Response, error) {
	var row *sql.Row
	if questions == nil {
		row = q.QueryRowContext(ctx, readAll, id)
	} else {
		js, _ := json.Marshal(questions)
		row = q.QueryRowContext(ctx, readSome, string(js), id)
	}
	return scanResponse(row, "find response", id)
}

// readOpenDraft reads owner's open draft of firmID and its answers in one
// statement (so one snapshot: the draft found is the draft read), or
// ErrNotFound.
func readOpenDraft(ctx context.Context, q rowQuerier, firmID, owner int64) (*survey.Response, error) {
	return scanResponse(q.QueryRowContext(ctx, readOpen, firmID, owner), "open draft of firm", firmID)
}

// scanResponse scans a row of responseSelect; what and id name it in
// errors.
func scanResponse(row *sql.Row, what string, id int64) (*survey.Response, error) {
	r, _, err := scanResponseVersion(row, what, id)
	return r, err
}

// scanResponseVersion is scanResponse with the version of the answers
// read.
func scanResponseVersion(row *sql.Row, what string, id int64) (*survey.Response, answersVersion, error) {
	r, v, packed, err := scanResponseRow(row, what, id)
	if err != nil {
		return nil, v, err
	}
	if !packed.Valid {
		return nil, v, fmt.Errorf("store: answers of response %d: %w", r.ID, errPacked)
	}
	if r.Answers, err = unpackAnswers(packed.String); err != nil {
		return nil, v, fmt.Errorf("store: answers of response %d: %w", r.ID, err)
	}
	return r, v, nil
}

// scanResponseRow scans a row of responseSelect, or of readKept (whose
// packed answers may be NULL), without unpacking the answers.
func scanResponseRow(row *sql.Row, what string, id int64) (*survey.Response, answersVersion, sql.NullString, error) {
	r := &survey.Response{}
	var v answersVersion
	var submitted sql.NullTime
	var packed sql.NullString
	if err := row.Scan(&r.FirmID, &r.Instrument, &r.Status, &r.Profile.Section, &r.Profile.Size, &r.CreatedAt, &r.UpdatedAt,
		&submitted, &r.OwnerID, &v.key, &v.rev, &packed, &r.ID); err != nil {
		return nil, v, packed, mapErr(fmt.Sprintf("%s %d", what, id), err)
	}
	r.SubmittedAt = submitted.Time
	return r, v, packed, nil
}

// errPacked is packed answers that are not what responseSelect writes.
var errPacked = errors.New("malformed packed answers")

// unpackAnswers reads "N " then N fields "len question len options", each
// len the field's length in bytes followed by a space. The questions and
// options are cut from packed, not copied; every answer's options share one
// slice (each capped at its own end, so an append cannot reach the next).
func unpackAnswers(packed string) (map[string]survey.Answer, error) {
	n, rest, err := packedLen(packed)
	if err != nil {
		return nil, err
	}
	out := make(map[string]survey.Answer, n)
	all := make([]string, 0, 2*n)
	for range n {
		var qid, opts string
		if qid, rest, err = packedField(rest); err != nil {
			return nil, err
		}
		if opts, rest, err = packedField(rest); err != nil {
			return nil, err
		}
		start, null := len(all), false
		if all, null, err = appendOptions(all, opts); err != nil {
			return nil, fmt.Errorf("%s: %w", qid, err)
		}
		a := survey.Answer{Options: all[start:len(all):len(all)]}
		if null { // as json.Unmarshal leaves it
			a.Options = nil
		}
		out[qid] = a
	}
	if rest != "" || len(out) != n {
		return nil, errPacked
	}
	return out, nil
}

// packedLen reads a length and its space off the front of s.
func packedLen(s string) (int, string, error) {
	num, rest, ok := strings.Cut(s, " ")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 0 {
		return 0, "", errPacked
	}
	return n, rest, nil
}

// packedField reads one length-prefixed field off the front of s.
func packedField(s string) (field, rest string, err error) {
	n, rest, err := packedLen(s)
	if err != nil || n > len(rest) {
		return "", "", errPacked
	}
	return rest[:n], rest[n:], nil
}

// appendOptions appends the strings of JSON array js to all. Arrays of
// plain strings (no escapes, quotes or control characters, no spaces
// between them: what json.Marshal writes for option IDs) are cut from js;
// anything else goes through encoding/json. null is true when js is a
// JSON null, which json.Unmarshal reads as a nil slice.
func appendOptions(all []string, js string) (_ []string, null bool, _ error) {
	if js == "[]" {
		return all, false, nil
	}
	if inner, ok := plainArray(js); ok {
		for {
			item, more, found := strings.Cut(inner, `","`)
			all = append(all, item)
			if !found {
				return all, false, nil
			}
			inner = more
		}
	}
	var opts []string
	if err := json.Unmarshal([]byte(js), &opts); err != nil {
		return nil, false, err
	}
	return append(all, opts...), opts == nil, nil
}

// plainArray is js without its `["` and `"]` when js is an array of one
// or more strings that need no decoding: between them only `","`, within
// them no quote, backslash, control character or byte outside ASCII
// (which json.Unmarshal would check as UTF-8).
func plainArray(js string) (string, bool) {
	if len(js) < 4 || !strings.HasPrefix(js, `["`) || !strings.HasSuffix(js, `"]`) {
		return "", false
	}
	inner := js[2 : len(js)-2]
	for i := 0; i < len(inner); i++ {
		switch c := inner[i]; {
		case c == '\\' || c < 0x20 || c >= 0x80: // escapes, and what json.Unmarshal checks or mends
			return "", false
		case c == '"':
			if !strings.HasPrefix(inner[i:], `","`) {
				return "", false
			}
			i += 2
		}
	}
	return inner, true
}
