package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"dxready/locale"
	"dxready/store"
)

// cmdAudit checks the audit log's hash chain: `dxready audit verify`
// walks every entry in order and reports the first broken link (which
// entry, when, and how it broke), or how many entries make an intact
// chain and the anchor to note outside the database. It fails when the
// chain is broken, an anchor given is no longer in it, or the triggers
// that keep the log append-only were dropped.
func cmdAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var anchorText string
	flags := func(fs *flag.FlagSet) {
		fs.StringVar(&anchorText, "anchor", "", "ID:HASH printed by an earlier verify, which must still be in the chain")
	}
	return command(ctx, "audit", args, getenv, stderr, flags, 1, "dxready audit verify [--anchor ID:HASH]", func(a *app, pos []string) error {
		if pos[0] != "verify" {
			return fmt.Errorf("%s", a.l.T("cli.audit_usage"))
		}
		var anchor *store.AuditAnchor
		if anchorText != "" {
			var err error
			if anchor, err = store.ParseAuditAnchor(anchorText); err != nil {
				return fmt.Errorf("%s", a.l.T("cli.audit_bad_anchor", "Value", anchorText))
			}
		}
		c, err := a.store.VerifyAudit(ctx, anchor)
		if err != nil {
			return err
		}
		return reportAudit(a.l, c, stdout)
	})
}

// reportAudit prints what verify found and returns the failure, if any.
func reportAudit(l *locale.Localizer, c store.AuditCheck, stdout io.Writer) error {
	if b := c.Broken; b != nil {
		fmt.Fprintln(stdout, auditBreakText(l, b))
		fmt.Fprintln(stdout, l.T("cli.audit_checked", "Entries", l.Int(int64(c.Entries))))
	} else if c.Entries == 0 {
		fmt.Fprintln(stdout, l.T("cli.audit_empty"))
	} else {
		fmt.Fprintln(stdout, l.T("cli.audit_intact", "Entries", l.Int(int64(c.Entries)), "ID", c.HeadID,
			"Anchor", store.AuditAnchor{ID: c.HeadID, Hash: c.HeadHash}.String()))
	}
	if !c.Guarded {
		fmt.Fprintln(stdout, l.T("cli.audit_unguarded"))
	}
	if c.Broken != nil || !c.Guarded {
		return fmt.Errorf("%s", l.T("cli.audit_failed"))
	}
	return nil
}

// auditBreakText says which entry broke the chain, when, and how.
func auditBreakText(l *locale.Localizer, b *store.AuditBreak) string {
	at := l.DateTimeSeconds(b.At)
	if at == "" {
		at = l.T("cli.audit_no_time")
	}
	switch {
	case b.Reason == store.AuditUnlinked && b.PrevID == 0:
		return l.T("cli.audit_first_unlinked", "ID", b.ID, "At", at)
	case b.Reason == store.AuditUnlinked:
		return l.T("cli.audit_unlinked", "ID", b.ID, "At", at, "Prev", b.PrevID)
	case b.Reason == store.AuditUnsealed:
		return l.T("cli.audit_unsealed", "ID", b.ID, "At", at)
	case b.Reason == store.AuditAnchorMoved:
		return l.T("cli.audit_anchor_moved", "ID", b.ID)
	}
	return l.T("cli.audit_altered", "ID", b.ID, "At", at)
}
