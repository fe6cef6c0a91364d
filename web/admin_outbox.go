package web

import (
	"net/http"
	"strconv"

	"dxready/store"
)

// outboxLimit is how many messages the outbox page lists.
const outboxLimit = 200

type outboxPage struct {
	page
	State    string
	States   []outboxTab
	Messages []outboxRow
	Limit    int
}

type outboxTab struct {
	State, Label string
	Count        int
	Current      bool
}

type outboxRow struct {
	store.Message
	State  string
	SentAt string
}

// adminOutbox lists the newest messages with their delivery state, so the
// Center sees what went out, what is waiting and why a message fails;
// without --smtp-url this is where the messages are read.
func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	if state != "" && state != store.OutboxPending && state != store.OutboxFailing && state != store.OutboxSent {
		state = ""
	}
	counts, err := s.store.OutboxCounts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, err := s.store.OutboxIn(r.Context(), state, outboxLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &outboxPage{page: s.newPage(w, r, "page.outbox.title"), State: state, Limit: outboxLimit}
	total := 0
	for _, st := range []string{store.OutboxPending, store.OutboxFailing, store.OutboxSent} {
		total += counts[st]
	}
	p.States = append(p.States, outboxTab{State: "", Label: "page.outbox.all", Count: total, Current: state == ""})
	for _, st := range []string{store.OutboxPending, store.OutboxFailing, store.OutboxSent} {
		p.States = append(p.States, outboxTab{State: st, Label: "outbox.state." + st, Count: counts[st], Current: state == st})
	}
	loc := s.loc(r)
	for _, m := range msgs {
		row := outboxRow{Message: m, State: m.State()}
		if m.SentAt.Valid {
			row.SentAt = loc.DateTime(m.SentAt.Time)
		}
		p.Messages = append(p.Messages, row)
	}
	s.render(w, r, http.StatusOK, "admin_outbox", p)
}

// adminOutboxRetryPost makes an unsent message due now.
func (s *Server) adminOutboxRetryPost(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	entry := store.AuditEntry{UserID: currentUser(r).ID, Action: "outbox.retry", Subject: "outbox:" + strconv.FormatInt(id, 10)}
	if err := s.store.RetryNow(r.Context(), id, entry); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/outbox?state="+store.OutboxFailing, "flash.outbox_retry")
}
