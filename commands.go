package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"dxready/auth"
	"dxready/firms"
	"dxready/plaintext"
	"dxready/store"
	"dxready/web"
)

// cmdImport imports a firm registry CSV: every row is validated, nothing is
// written unless all are valid, and problems are listed with line numbers in
// the chosen language. A bar shows progress when stderr is a terminal.
func cmdImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const usage = "dxready import firms FILE.csv"
	return command(ctx, "import", args, getenv, stderr, nil, 2, usage, func(a *app, pos []string) error {
		if pos[0] != "firms" {
			return errors.New("usage: " + usage)
		}
		return importFirms(ctx, a, pos[1], stdout, stderr)
	})
}

func importFirms(ctx context.Context, a *app, path string, stdout, stderr io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return errors.New(a.l.T("cli.file_open", "Path", path))
	}
	defer f.Close()
	info, _ := f.Stat()
	counter := &countingReader{r: f}
	known, err := a.store.ImportAssociationCodes(ctx)
	if err != nil {
		return err
	}
	rd, ferr := firms.NewImportReader(bufio.NewReaderSize(counter, 1<<16), a.ref, a.now(), known)
	if ferr != nil {
		fmt.Fprintln(stdout, web.RowErrorText(a.l, *ferr))
		return errors.New(a.l.T("cli.import_rejected", "Count", 1))
	}
	rd.NormalizeEmail = auth.NormalizeEmail
	bar := newProgressBar(stderr, info.Size(), a.l)
	entry := store.AuditEntry{Action: "firms.import", Subject: "firms", Detail: fmt.Sprintf("cli file=%q", path)} // the store adds the counts
	res, err := a.store.ImportFirms(ctx, rd, func(rows int) { bar.update(rows, counter.n) }, entry)
	bar.done()
	if err != nil {
		return err
	}
	if !res.Written {
		for _, e := range res.Errors {
			fmt.Fprintln(stdout, web.RowErrorText(a.l, e))
		}
		return errors.New(a.l.T("cli.import_rejected", "Count", res.Problems))
	}
	fmt.Fprintln(stdout, a.l.T("cli.import_done", "Rows", a.l.Int(int64(res.Rows)), "Created", a.l.Int(int64(res.Created)),
		"Updated", a.l.Int(int64(res.Updated))))
	// Users of self-registered firms the registry now knows go back to
	// an open claim; they are told through the outbox, sent by the portal.
	base := a.cfg.BaseURL
	if base == "" {
		base = "http://" + a.cfg.Addr
	}
	if err := web.TellReopened(ctx, a.store, a.bundle, base, res.Reopened); err != nil {
		fmt.Fprintln(stderr, err)
	}
	if n := len(res.Reopened); n > 0 {
		fmt.Fprintln(stdout, a.l.T("cli.claims_reopened", "Count", n))
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return command(ctx, "backup", args, getenv, stderr, nil, 1, "dxready backup OUT.db", func(a *app, pos []string) error {
		if err := a.store.Backup(ctx, pos[0]); err != nil {
			return err
		}
		info, err := os.Stat(pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, a.l.T("cli.backup_done", "Path", pos[0], "Size", a.l.Decimal(float64(info.Size())/(1<<20), 1)))
		return nil
	})
}

// cmdUser adds an account: `dxready user add --email E --role R ...`. The
// password is read from stdin with --password-stdin, else generated and
// printed once.
func cmdUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var email, role, name, firm, assoc string
	var fromStdin bool
	const usage = "dxready user add --email E --role firm|lead|advisor|admin [--firm MST] [--association CODE] [--password-stdin]\n" +
		"       dxready user reset-password --email E [--base-url URL]\n" +
		"       " + resetTwoFactorUsage
	flags := func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email address (login)")
		fs.StringVar(&role, "role", "", "firm, lead, advisor or admin")
		fs.StringVar(&name, "name", "", "display name")
		fs.StringVar(&firm, "firm", "", "tax code of the user's firm (role firm)")
		fs.StringVar(&assoc, "association", "", "code of the association led (role lead)")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of stdin")
	}
	return command(ctx, "user", args, getenv, stderr, flags, 1, usage, func(a *app, pos []string) error {
		if pos[0] == "reset-password" {
			return resetPasswordLink(ctx, a, email, stdout)
		}
		if pos[0] == "reset-2fa" {
			return resetTwoFactor(ctx, a, email, stdout)
		}
		if pos[0] != "add" {
			return errors.New("usage: " + usage)
		}
		clean, problem := plaintext.Line(name)
		if problem != "" {
			return errors.New("--name: " + a.l.T(string(problem)))
		}
		u := &auth.User{Name: clean, Role: auth.Role(role), Status: auth.StatusActive, Lang: a.cfg.Lang}
		var stdinR io.Reader
		if fromStdin {
			stdinR = stdin
		}
		return addUser(ctx, a, u, email, firm, assoc, stdinR, stdout)
	})
}

// addUser creates u; the password comes from the first line of stdin when
// it is not nil, else it is generated and printed once.
func addUser(ctx context.Context, a *app, u *auth.User, email, firm, assoc string, stdin io.Reader, stdout io.Writer) error {
	var err error
	if u.Email, err = auth.NormalizeEmail(email); err != nil {
		return errors.New(a.l.T(err.Error()))
	}
	if err := a.resolveUserScope(ctx, u, firm, assoc); err != nil {
		return err
	}
	password, generated, err := readOrMakePassword(stdin)
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(password, password); err != nil {
		return errors.New(a.l.T(err.Error()))
	}
	if u.PasswordHash, err = newHasher().Hash(ctx, password); err != nil {
		return err
	}
	// The address is confirmed by the link it is sent, as for any account,
	// and the account cannot sign in before. The link is also printed (as
	// `user reset-password` prints its link), so that the first admin of a
	// portal whose mail is not set up yet can be let in by whoever runs the
	// command: they are the Center, vouching for the address they typed.
	v, link, err := web.NewLink(a.bundle, a.linkBase(), u, auth.LinkVerify, 0)
	if err != nil {
		return err
	}
	create := func() error { return a.store.CreateAccount(ctx, u, v) }
	if u.Role == auth.RoleAdvisor { // with the starter profile, in one transaction: bookable at once, completed on /advisors/{id}/edit
		create = func() error { return a.store.CreateAdvisorAccount(ctx, u, store.StarterAdvisor(0), v) }
	}
	if err := create(); errors.Is(err, store.ErrConflict) {
		return errors.New(a.l.T("error.register.email_taken"))
	} else if err != nil {
		return err
	}
	fmt.Fprintln(stdout, a.l.T("cli.user_added", "Email", u.Email, "Role", a.l.T("role."+string(u.Role))))
	if generated {
		fmt.Fprintln(stdout, a.l.T("cli.user_password", "Password", password))
	}
	fmt.Fprintln(stdout, a.l.T("cli.user_confirm", "Link", link))
	return nil
}

func (a *app) resolveUserScope(ctx context.Context, u *auth.User, firm, assoc string) error {
	switch u.Role {
	case auth.RoleFirm:
		tc, err := firms.ParseTaxCode(firm)
		if err != nil {
			return errors.New(a.l.T(err.Error()))
		}
		f, err := a.store.FindFirmByTaxCode(ctx, tc)
		if err != nil {
			return errors.New(a.l.T("cli.no_such_firm", "TaxCode", string(tc)))
		}
		u.FirmID = f.ID
	case auth.RoleLead:
		as, err := a.store.FindAssociationByCode(ctx, strings.ToLower(assoc))
		if err != nil {
			return errors.New(a.l.T("error.firm.association_unknown", "Value", assoc))
		}
		u.AssociationID = as.ID
	case auth.RoleAdvisor, auth.RoleAdmin:
	default:
		return errors.New(a.l.T("cli.bad_role", "Role", string(u.Role)))
	}
	return nil
}

func readOrMakePassword(stdin io.Reader) (string, bool, error) {
	if stdin != nil {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", false, err
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	return auth.NewPassword(), true, nil
}
