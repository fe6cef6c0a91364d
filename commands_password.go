package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"dxready/auth"
	"dxready/store"
	"dxready/web"
)

// resetPasswordLink prints a single-use link that sets a new password for
// the account with email, valid for auth.ResetLinkTTL, on --base-url: for
// when mail is down. Nothing is sent, the operator never learns the
// password, and the command line is recorded in the audit log.
func resetPasswordLink(ctx context.Context, a *app, email string, stdout io.Writer) error {
	addr, err := auth.NormalizeEmail(email)
	if err != nil {
		return errors.New(a.l.T(err.Error()))
	}
	u, err := a.store.FindUserByEmail(ctx, addr)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Status == auth.StatusDisabled) {
		return errors.New(a.l.T("cli.no_active_user", "Email", addr))
	} else if err != nil {
		return err
	}
	l, url, err := web.NewLink(a.bundle, a.linkBase(), u, auth.LinkReset, 0)
	if err != nil {
		return err
	}
	l.Message = nil // shown to the operator, not sent
	entry := store.AuditEntry{Action: "password.reset_link", Subject: fmt.Sprintf("user:%d", u.ID), Detail: "cli"}
	if _, err := a.store.IssueLink(ctx, u.ID, l, false, entry); err != nil {
		return err
	}
	fmt.Fprintln(stdout, a.l.T("cli.reset_link", "Email", u.Email, "Minutes", int(auth.ResetLinkTTL.Minutes())))
	fmt.Fprintln(stdout, url)
	return nil
}

// linkBase is where links made on the command line point (web.LinkBase).
func (a *app) linkBase() string { return web.LinkBase(a.cfg.BaseURL, a.cfg.Addr, a.cfg.SecureCookies) }
