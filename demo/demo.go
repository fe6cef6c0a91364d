// Package demo builds the demo province: 68,000 synthetic firms whose mix
// of industries, sizes, wards and parks is plausible for the former Binh
// Duong area, the 8 associations (real names where vietnam.md confirms
// them, the rest labelled as demo), advisors and demo accounts. The same
// seed always gives the same province.
//
// It is its own package (not in STYLE.md's layout) because both `dxready
// demo` and `dxready serve --demo` need it, and it must not live in store
// (which holds no business rules) or web. It imports firms, auth, store,
// survey and scoring.
package demo

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"dxready/auth"
	"dxready/firms"
	"dxready/store"
	"dxready/survey"
)

// Options control the demo.
type Options struct {
	Instrument *survey.Instrument // the demo's assessments answer it; none are made when nil
	Seed       uint64             // same seed, same province
	Firms      int                // default 68,000
	Password   string             // every demo account's password; generated when empty
	Now        time.Time          // the demo's today, from main's clock: assessments are dated before it (required)
	// BatchSize is how many firms are generated, written in one
	// transaction and dropped at a time (default DefaultBatch): memory
	// does not grow with Firms. The province does not depend on it.
	BatchSize int
	// Progress, when set, is told the firms built so far after each batch.
	Progress func(built int)
}

// Account is a demo login.
type Account struct {
	Email string
	Role  auth.Role
	About string // the firm or association it belongs to
}

// Result says what was built.
type Result struct {
	Firms, Memberships int
	Submissions        int
	Sharing            int // memberships whose firm shares its results
	Accounts           []Account
	Password           string
	GeneratedPassword  bool
	Elapsed            time.Duration
}

// DefaultFirms is the province's enterprise count (2024).
const DefaultFirms = 68_000

// DefaultBatch is Options.BatchSize when left zero.
const DefaultBatch = 2000

// Seed builds the demo province into an empty store.
func Seed(ctx context.Context, st *store.Store, ref *firms.Reference, h *auth.Hasher, opt Options) (*Result, error) {
	start := time.Now()
	if opt.Now.IsZero() {
		return nil, errors.New("demo: Options.Now is required")
	}
	empty, err := st.Empty(ctx)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, fmt.Errorf("demo: the database already holds firms or users; use a new --db file")
	}
	if opt.Firms <= 0 {
		opt.Firms = DefaultFirms
	}
	res := &Result{Password: opt.Password}
	if res.Password == "" {
		res.Password, res.GeneratedPassword = auth.NewPassword(), true
	}
	// The demo accounts share one password by design, so they share its
	// hash: 40 more salts would hide nothing that the demo's documentation
	// does not say, and each hash holds argon2's memory (64 MiB when 41
	// were made, two at a time, the build's largest item). Hashed before
	// the province, so that a build which cannot end stops at once.
	hash, err := h.Hash(ctx, res.Password)
	if err != nil {
		return nil, err
	}
	debug.FreeOSMemory() // the hash's memory is not needed again
	g := newGenerator(ref, opt.Seed)
	assocs, err := createAssociations(ctx, st)
	if err != nil {
		return nil, err
	}
	p := newProvince(g, opt, assocs, res)
	if err := st.BulkLoad(ctx, func() error { return p.build(ctx, st) }); err != nil {
		return nil, err
	}
	if res.Accounts, err = createAccounts(ctx, st, g, hash, assocs, &p.picks); err != nil {
		return nil, err
	}
	if err := st.SetMeta(ctx, store.MetaDemo, fmt.Sprint(opt.Seed)); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// associationSpecs: the first four are named in vietnam.md; the others are
// demo stand-ins, labelled as such in both languages.
var associationSpecs = []firms.Association{
	{Code: "bifa", NameVI: "Hiệp hội Chế biến gỗ tỉnh Bình Dương (BIFA)", NameEN: "Binh Duong Furniture Association (BIFA)"},
	{Code: "bdbf", NameVI: "Liên đoàn Doanh nghiệp tỉnh Bình Dương", NameEN: "Binh Duong Business Federation"},
	{Code: "logistics", NameVI: "Hiệp hội Logistics tỉnh Bình Dương", NameEN: "Binh Duong Logistics Association"},
	{Code: "kocham", NameVI: "KOCHAM Bình Dương (Phòng Thương mại Hàn Quốc)", NameEN: "KOCHAM Binh Duong (Korean Chamber)"},
	{Code: "electronics", NameVI: "Hiệp hội Điện tử – Thiết bị (minh hoạ)", NameEN: "Electronics and Equipment Association (demo)", Demo: true},
	{Code: "food", NameVI: "Hiệp hội Chế biến Thực phẩm (minh hoạ)", NameEN: "Food Processing Association (demo)", Demo: true},
	{Code: "textile", NameVI: "Hiệp hội Dệt may – Da giày (minh hoạ)", NameEN: "Textile, Garment and Footwear Association (demo)", Demo: true},
	{Code: "digital", NameVI: "Hội Doanh nghiệp Công nghệ số (minh hoạ)", NameEN: "Digital Technology Business Association (demo)", Demo: true},
}

func createAssociations(ctx context.Context, st *store.Store) ([]firms.Association, error) {
	out := make([]firms.Association, len(associationSpecs))
	copy(out, associationSpecs)
	for i := range out {
		if err := st.CreateAssociation(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func createAccounts(ctx context.Context, st *store.Store, g *generator, hash string, assocs []firms.Association, picks *accountPicks) ([]Account, error) {
	type spec struct {
		u     auth.User
		about string
	}
	var specs []spec
	specs = append(specs, spec{auth.User{Email: "admin@demo.local", Name: "Quản trị Trung tâm", Role: auth.RoleAdmin}, "Trung tâm Chuyển đổi số"})
	for i, a := range assocs {
		specs = append(specs, spec{auth.User{Email: fmt.Sprintf("lead%d@demo.local", i+1), Name: g.personName(),
			Role: auth.RoleLead, AssociationID: a.ID}, a.NameVI})
	}
	for i := range 12 {
		specs = append(specs, spec{auth.User{Email: fmt.Sprintf("advisor%d@demo.local", i+1), Name: g.personName(), Role: auth.RoleAdvisor}, "Trung tâm Chuyển đổi số"})
	}
	for i := range demoFirmAccounts {
		f := picks.firmAccount(i)
		specs = append(specs, spec{auth.User{Email: fmt.Sprintf("firm%d@demo.local", i+1), Name: g.personName(), Role: auth.RoleFirm, FirmID: f.ID}, f.Name})
	}
	var out []Account
	var advisorIDs []int64
	for _, sp := range specs {
		u := sp.u
		u.Status, u.Lang, u.PasswordHash, u.EmailVerified = auth.StatusActive, "vi", hash, true
		if err := st.CreateUser(ctx, &u); err != nil {
			return nil, err
		}
		if u.Role == auth.RoleFirm {
			c := &firms.Contact{FirmID: u.FirmID, FullName: u.Name, Title: "Giám đốc", Email: strings.Replace(u.Email, "@", ".contact@", 1),
				ConsentVersion: firms.ContactConsentVersion, ConsentBy: u.ID}
			if err := st.SaveContact(ctx, c); err != nil {
				return nil, err
			}
		}
		if u.Role == auth.RoleAdvisor {
			advisorIDs = append(advisorIDs, u.ID)
		}
		out = append(out, Account{Email: u.Email, Role: u.Role, About: sp.about})
	}
	if err := seedAdvisors(ctx, st, advisorIDs, assocs); err != nil {
		return nil, err
	}
	return out, nil
}
