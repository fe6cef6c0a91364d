package web

import (
	"errors"
	"fmt"
	"net/http"

	"dxready/nudge"
	"dxready/store"
)

// Opting out of nudges: each nudge carries a link of its own that stops
// that kind of nudge for its recipient, signed in or not (the random
// token is the proof, kept hashed, and it works once); the account page
// sets the same choices.

type nudgeStopPage struct {
	page
	Token   string
	Kind    string // the kind's message ID, "nudge.kind.draft"
	Done    bool   // the opt-out was just recorded
	Problem string // why the link does nothing: forged, or used before
}

// nudgeStop shows what the link stops, with the one button that stops
// it: a mail scanner that fetches every link must not opt anyone out, so
// only the POST does (as RFC 8058's one-click POST does).
func (s *Server) nudgeStop(w http.ResponseWriter, r *http.Request) {
	p := nudgeStopPage{page: s.newPage(w, r, "page.nudge_stop.title"), Token: r.PathValue("token")}
	l, err := s.store.FindNudgeLink(r.Context(), linkHash(p.Token))
	s.renderNudgeStop(w, r, p, l, err)
}

// nudgeStopPost opts the link's user out of its kind and spends the link;
// a mail client's List-Unsubscribe=One-Click POST lands here too.
func (s *Server) nudgeStopPost(w http.ResponseWriter, r *http.Request) {
	p := nudgeStopPage{page: s.newPage(w, r, "page.nudge_stop.title"), Token: r.PathValue("token")}
	l, err := s.store.UseNudgeLink(r.Context(), linkHash(p.Token))
	p.Done = err == nil
	s.renderNudgeStop(w, r, p, l, err)
}

func (s *Server) renderNudgeStop(w http.ResponseWriter, r *http.Request, p nudgeStopPage, l *store.NudgeLinkState, err error) {
	status := http.StatusOK
	switch {
	case errors.Is(err, store.ErrNotFound):
		status, p.Problem = http.StatusNotFound, "page.nudge_stop.invalid"
	case errors.Is(err, store.ErrLinkUsed) || (err == nil && l.Used && !p.Done):
		status, p.Problem = http.StatusGone, "page.nudge_stop.used"
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if l != nil {
		p.Kind = "nudge.kind." + l.Kind
	}
	s.render(w, r, status, "nudge_stop", p)
}

// nudgeChoices are the account page's opt-out boxes: each kind, ticked
// when the user still receives it.
type nudgeChoice struct {
	Kind    string
	Label   string // message ID
	Receive bool
}

func (s *Server) nudgeChoices(r *http.Request, id int64) ([]nudgeChoice, error) {
	out, err := s.store.NudgeOptOuts(r.Context(), id)
	if err != nil {
		return nil, err
	}
	var cs []nudgeChoice
	for _, k := range nudge.Kinds {
		cs = append(cs, nudgeChoice{Kind: string(k), Label: "nudge.kind." + string(k), Receive: !out[string(k)]})
	}
	return cs, nil
}

// accountNudgesPost records which nudges the signed-in user receives: a
// ticked box receives, an unticked one is opted out.
func (s *Server) accountNudgesPost(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.parseForm(w, r); !ok {
		return
	}
	u := currentUser(r)
	out, stopped := map[string]bool{}, ""
	for _, k := range nudge.Kinds {
		out[string(k)] = r.PostForm.Get("receive_"+string(k)) == ""
		if out[string(k)] {
			stopped += string(k) + " "
		}
	}
	entry := store.AuditEntry{UserID: u.ID, Action: "nudge.settings", Subject: fmt.Sprintf("user:%d", u.ID), Detail: "stopped: " + stopped}
	if err := s.store.SetNudgeOptOuts(r.Context(), u.ID, out, entry); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/account", "flash.nudges_saved")
}
