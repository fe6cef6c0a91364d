package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"dxready/auth"
	"dxready/locale"
	"dxready/store"
)

// TwoFactorEvent is a change to a user's two-step sign-in that the user is
// told about by mail: whoever made it had their password and second factor
// (or the server), so the owner should know at once if it was not them.
type TwoFactorEvent string

// The events told by mail.
const (
	TwoFactorOn           TwoFactorEvent = "on"
	TwoFactorOff          TwoFactorEvent = "off"
	TwoFactorMoved        TwoFactorEvent = "moved"         // a new authenticator app replaced the old one
	TwoFactorNewCodes     TwoFactorEvent = "new_codes"     // recovery codes made anew
	TwoFactorRecoveryUsed TwoFactorEvent = "recovery_used" // a recovery code signed in
	TwoFactorReset        TwoFactorEvent = "reset"         // switched off from the command line
)

// twoFactorMail is each event's subject and body message IDs.
var twoFactorMail = map[TwoFactorEvent][2]string{
	TwoFactorOn:           {"mail.twofactor_on.subject", "mail.twofactor_on.body"},
	TwoFactorOff:          {"mail.twofactor_off.subject", "mail.twofactor_off.body"},
	TwoFactorMoved:        {"mail.twofactor_moved.subject", "mail.twofactor_moved.body"},
	TwoFactorNewCodes:     {"mail.twofactor_new_codes.subject", "mail.twofactor_new_codes.body"},
	TwoFactorRecoveryUsed: {"mail.twofactor_recovery_used.subject", "mail.twofactor_recovery_used.body"},
	TwoFactorReset:        {"mail.twofactor_reset.subject", "mail.twofactor_reset.body"},
}

// TwoFactorNotice is the message telling u, in loc's language (u's own),
// that ev happened at now; base is where its links point. Its dedupe key
// is the event's own, so two events never merge.
func TwoFactorNotice(loc *locale.Localizer, u *auth.User, ev TwoFactorEvent, now time.Time, base string) *store.Message {
	ids := twoFactorMail[ev]
	kind := "account.twofactor_" + string(ev)
	return &store.Message{Kind: kind, DedupeKey: fmt.Sprintf("%s:%d:%d", kind, u.ID, now.UnixNano()), To: u.Email, Lang: loc.Lang,
		Subject: loc.T(ids[0]),
		Body: loc.T(ids[1], "Name", u.Name, "When", loc.DateTime(now)) + "\n\n" +
			loc.T("mail.twofactor.not_you", "Forgot", base+"/password/forgot", "Account", base+"/account/2fa")}
}

// QueueTwoFactorNotice queues m for userID. An address not confirmed yet
// gets nothing (the outbox refuses it): that is logged, as is a queue
// failure, which does not undo the change already made.
func QueueTwoFactorNotice(ctx context.Context, st *store.Store, log *slog.Logger, userID int64, m *store.Message) {
	switch err := st.Queue(ctx, m); {
	case errors.Is(err, store.ErrUnverifiedRecipient), errors.Is(err, store.ErrDuplicate):
		log.Info("two-factor notice not queued", "user", userID, "kind", m.Kind, "reason", err)
	case err != nil:
		log.Error("two-factor notice could not be queued", "user", userID, "kind", m.Kind, "error", err)
	}
}

// queueTwoFactorNotice tells u about ev by mail, in u's language.
func (s *Server) queueTwoFactorNotice(ctx context.Context, u *auth.User, ev TwoFactorEvent) {
	QueueTwoFactorNotice(ctx, s.store, s.log, u.ID, TwoFactorNotice(s.bundle.For(u.Lang), u, ev, s.now(), s.linkBase()))
}
