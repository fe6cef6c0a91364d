package web

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"dxready/auth"
	"dxready/scoring"
	"dxready/store"
)

// auditQuery is the audit log's filters as typed (shown back in the form)
// and, once read, as the store's filter. A filter that makes no sense is
// a problem the page explains instead of listing anything.
type auditQuery struct {
	Actor, Action, Target, From, To string
	Problems                        []auditProblem
	filter                          store.AuditFilter
}

// auditProblem is why a filter selects nothing: a message ID and the
// value it is about.
type auditProblem struct {
	ID, Value string
}

// auditDateForms are the ways a day may be written: ISO (what a date
// input sends) and the Vietnamese day/month/year.
var auditDateForms = []string{time.DateOnly, "02/01/2006", "2/1/2006"}

// maxAuditField bounds what is kept of a typed filter.
const maxAuditField = 200

// parseAuditQuery reads the filters of q; actions are those the log
// holds. Days are Asia/Ho_Chi_Minh days, both ends included.
func (s *Server) parseAuditQuery(ctx context.Context, q url.Values, actions []string) (auditQuery, error) {
	field := func(k string) string {
		v := strings.TrimSpace(q.Get(k))
		if len(v) > maxAuditField {
			v = strings.ToValidUTF8(v[:maxAuditField], "")
		}
		return v
	}
	a := auditQuery{Actor: field("actor"), Action: field("action"), Target: field("target"), From: field("from"), To: field("to")}
	a.filter.Subject = a.Target
	if a.Action != "" {
		if !slices.Contains(actions, a.Action) {
			a.problem("page.audit.action_unknown", a.Action)
		}
		a.filter.Action = a.Action
	}
	if err := s.auditActor(ctx, &a); err != nil {
		return a, err
	}
	a.dates(s.now())
	return a, nil
}

func (a *auditQuery) problem(id, value string) {
	a.Problems = append(a.Problems, auditProblem{id, value})
}

// auditActor reads the actor: an account's address, or its number
// ("12" or "#12"), which also finds entries of an account since removed.
func (s *Server) auditActor(ctx context.Context, a *auditQuery) error {
	if a.Actor == "" {
		return nil
	}
	if id, err := strconv.ParseInt(strings.TrimPrefix(a.Actor, "#"), 10, 64); err == nil {
		if id <= 0 {
			a.problem("page.audit.actor_unknown", a.Actor)
		}
		a.filter.UserID = id
		return nil
	}
	email, err := auth.NormalizeEmail(a.Actor)
	if err != nil {
		a.problem("page.audit.actor_unknown", a.Actor)
		return nil
	}
	u, err := s.store.FindUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		a.problem("page.audit.actor_unknown", a.Actor)
		return nil
	}
	if err != nil {
		return err
	}
	a.filter.UserID = u.ID
	return nil
}

// dates reads the range: each end a day; the start not after the end,
// nor after today (the log holds nothing yet then).
func (a *auditQuery) dates(now time.Time) {
	from, okFrom := auditDay(a.From)
	to, okTo := auditDay(a.To)
	if !okFrom {
		a.problem("page.audit.bad_from", a.From)
	}
	if !okTo {
		a.problem("page.audit.bad_to", a.To)
	}
	if !okFrom || !okTo {
		return
	}
	if !from.IsZero() && !to.IsZero() && from.After(to) {
		a.problem("page.audit.range_reversed", "")
		return
	}
	today, _ := auditDay(now.In(scoring.Zone).Format(time.DateOnly))
	if from.After(today) {
		a.problem("page.audit.range_future", "")
		return
	}
	a.filter.From = from
	if !to.IsZero() {
		a.filter.To = to.AddDate(0, 0, 1)
	}
}

// auditDay is the start of the day s names in Asia/Ho_Chi_Minh; the zero
// time for "" (no bound); false when s is not a day.
func auditDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	for _, f := range auditDateForms {
		if t, err := time.ParseInLocation(f, s, scoring.Zone); err == nil && t.Year() >= 1900 && t.Year() < 10000 {
			return t, true
		}
	}
	return time.Time{}, false
}

// values is the query's filters for links (pages, the export).
func (a auditQuery) values() url.Values {
	v := url.Values{}
	for k, x := range map[string]string{"actor": a.Actor, "action": a.Action, "target": a.Target, "from": a.From, "to": a.To} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v
}
