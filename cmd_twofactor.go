package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"dxready/auth"
	"dxready/store"
	"dxready/web"
)

const resetTwoFactorUsage = "dxready user reset-2fa --email E"

// resetTwoFactor switches off the second factor of the account with email,
// for someone who lost both phone and recovery codes: secret, recovery
// codes, pending sign-ins and sessions go, in one audited transaction. An
// admin then enrols again at the next sign-in.
func resetTwoFactor(ctx context.Context, a *app, email string, stdout io.Writer) error {
	e, err := auth.NormalizeEmail(email)
	if err != nil {
		return errors.New(a.l.T(err.Error()) + "\nusage: " + resetTwoFactorUsage)
	}
	u, err := a.store.FindUserByEmail(ctx, e)
	if errors.Is(err, store.ErrNotFound) {
		return errors.New(a.l.T("cli.no_such_user", "Email", e))
	}
	if err != nil {
		return err
	}
	audit := store.AuditEntry{Action: "twofactor.reset", Subject: "user:" + strconv.FormatInt(u.ID, 10), Detail: "cli " + u.Email}
	if err := a.store.RemoveTOTP(ctx, u.ID, nil, audit); err != nil {
		return err
	}
	now := a.now()
	web.QueueTwoFactorNotice(ctx, a.store, slog.Default(), u.ID, web.TwoFactorNotice(a.bundle.For(u.Lang), u, web.TwoFactorReset, now, a.linkBase()))
	fmt.Fprintln(stdout, a.l.T("cli.twofactor_reset", "Email", u.Email))
	return nil
}
