// Package storetest gives tests a real, migrated SQLite database in a
// temporary directory, seeded with small deterministic fixtures.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/firms"
	"dxready/store"
	"dxready/survey"
)

// Password is every fixture user's password.
const Password = "mật khẩu thử nghiệm"

// Cheap are argon2id parameters small enough for tests; production uses
// auth.DefaultArgon2.
var Cheap = auth.Argon2Params{Time: 1, Memory: 64, Threads: 1}

// Clock is the fixtures' fixed "now": 22/11/2026 10:00 in Ho Chi Minh City.
var Clock = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)

// FakeClock is a clock that stands still until a test moves it. One is
// handed to the store, and a test gives the same one to the web layer or
// the mail sender, so moving it moves every part of the portal at once.
type FakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a FakeClock standing at Clock.
func NewClock() *FakeClock { return &FakeClock{t: Clock} }

// Now returns the clock's time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t.UTC()
}

// Add moves the clock by d.
func (c *FakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Fixtures are the rows Open seeds.
type Fixtures struct {
	// Clock is the store's clock, standing at Clock until a test moves it.
	Clock                *FakeClock
	Ref                  *firms.Reference
	Wood, Logistics      firms.Association // wood association has Go and Noi; logistics has Kho
	GoDuc, NoiThat, Kho  *firms.Firm
	Admin, Lead, Advisor *auth.User // Lead leads the wood association
	FirmUser             *auth.User // active user of GoDuc
	// AdvisorProfile makes Advisor bookable: weekdays 08:00–11:45 and
	// 13:30–17:00, 60-minute slots with 15 minutes between, expert in data
	// and operations, serving the wood association and manufacturing.
	AdvisorProfile *store.Advisor
}

// Open returns a migrated store in t.TempDir() with the fixtures, closed
// when the test ends. Its clock is fx.Clock; its aggregates, like every
// store's, follow each write in the write's own transaction.
func Open(t testing.TB) (*store.Store, *Fixtures) {
	t.Helper()
	return OpenWith(t, store.Options{})
}

// OpenWith is Open with the given options; when opt.Clock is nil the store
// gets a new FakeClock, returned as fx.Clock (nil otherwise).
func OpenWith(t testing.TB, opt store.Options) (*store.Store, *Fixtures) {
	t.Helper()
	clock := NewClock()
	if opt.Clock == nil {
		opt.Clock = clock.Now
	} else {
		clock = nil // the caller's clock is not ours to move
	}
	s := open(t, opt)
	fx, err := seed(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	fx.Clock = clock
	return s, fx
}

// OpenEmpty returns a migrated store with reference data and nothing else,
// its clock standing at Clock.
func OpenEmpty(t testing.TB) *store.Store {
	t.Helper()
	return open(t, store.Options{Clock: func() time.Time { return Clock }})
}

func open(t testing.TB, opt store.Options) *store.Store {
	t.Helper()
	db, err := migratedDB()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, db, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// migrated is a migrated database holding the reference data, as the
// bytes of its file, made once per test binary: open writes it out for
// each store a test opens, instead of running every migration again
// (50-110 ms a store at load 10, most of a store test's set-up, against
// well under a millisecond for the copy). A test of the migrations
// themselves opens its own file with store.Open.
var migrated struct {
	once sync.Once
	db   []byte
	err  error
}

func migratedDB() ([]byte, error) {
	migrated.once.Do(func() { migrated.db, migrated.err = migrate() })
	return migrated.db, migrated.err
}

func migrate() ([]byte, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "storetest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "migrated.db")
	s, err := store.Open(ctx, path, store.Options{Clock: func() time.Time { return Clock }})
	if err != nil {
		return nil, err
	}
	_, err = s.Migrate(ctx)
	if err == nil {
		var ref *firms.Reference
		if ref, err = firms.LoadReference(); err == nil {
			err = s.SyncReference(ctx, ref)
		}
	}
	if err = errors.Join(err, s.Close()); err != nil {
		return nil, fmt.Errorf("storetest: migrating the template database: %w", err)
	}
	// The last connection's close checkpoints the WAL into the file and
	// removes it; a WAL left behind would hold part of the database.
	if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
		return nil, fmt.Errorf("storetest: the template database kept a %d-byte WAL after closing", wal.Size())
	}
	return os.ReadFile(path)
}

func seed(ctx context.Context, s *store.Store) (*Fixtures, error) {
	ref, err := firms.LoadReference()
	if err != nil {
		return nil, err
	}
	fx := &Fixtures{Ref: ref,
		Wood:      firms.Association{Code: "wood", NameVI: "Hiệp hội Gỗ thử", NameEN: "Test Wood Association"},
		Logistics: firms.Association{Code: "logistics", NameVI: "Hiệp hội Logistics thử", NameEN: "Test Logistics Association"},
	}
	for _, a := range []*firms.Association{&fx.Wood, &fx.Logistics} {
		if err := s.CreateAssociation(ctx, a); err != nil {
			return nil, err
		}
	}
	mk := func(tc, name, vsic, ward, park string, emp int) (*firms.Firm, error) {
		f := &firms.Firm{TaxCode: firms.TaxCode(tc), Name: name, VSICCode: vsic, WardCode: ward, ParkCode: park,
			Size: firms.SizeInputs{Employees: emp, RevenueVND: int64(emp) * 3e8, CapitalVND: int64(emp) * 5e8, Year: 2025}}
		if ps := f.Validate(ref, Clock); len(ps) > 0 {
			panic(ps)
		}
		return f, s.CreateFirm(ctx, f)
	}
	if fx.GoDuc, err = mk("3709000012", "Công ty TNHH Gỗ Đức Thành", "3100", "25760", "vsip2", 120); err != nil {
		return nil, err
	}
	if fx.NoiThat, err = mk("3709000037", "Công ty Cổ phần Nội thất Bình Dương", "1629", "25813", "", 8); err != nil {
		return nil, err
	}
	if fx.Kho, err = mk("3709000044", "Công ty TNHH Kho vận Sóng Thần", "5210", "25942", "songthan1", 45); err != nil {
		return nil, err
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, []int64{fx.GoDuc.ID, fx.NoiThat.ID}); err != nil {
		return nil, err
	}
	if err := s.AddMemberships(ctx, fx.Logistics.ID, []int64{fx.Kho.ID}); err != nil {
		return nil, err
	}
	h := auth.NewHasher(Cheap, 2)
	hash, err := h.Hash(ctx, Password)
	if err != nil {
		return nil, err
	}
	users := []**auth.User{&fx.Admin, &fx.Lead, &fx.Advisor, &fx.FirmUser}
	specs := []auth.User{
		{Email: "admin@test.local", Name: "Quản trị", Role: auth.RoleAdmin},
		{Email: "lead@test.local", Name: "Trưởng hội", Role: auth.RoleLead, AssociationID: fx.Wood.ID},
		{Email: "advisor@test.local", Name: "Chuyên gia", Role: auth.RoleAdvisor},
		{Email: "firm@test.local", Name: "Nguyễn Văn An", Role: auth.RoleFirm, FirmID: fx.GoDuc.ID},
	}
	for i, u := range specs {
		u.Status, u.Lang, u.PasswordHash, u.EmailVerified = auth.StatusActive, "vi", hash, true
		if err := s.CreateUser(ctx, &u); err != nil {
			return nil, err
		}
		*users[i] = &u
	}
	if err := enrol(ctx, s, fx.Admin, AdminTOTPSecret, AdminRecoveryCodes); err != nil {
		return nil, err
	}
	fx.AdvisorProfile = &store.Advisor{Profile: advisors.Profile{ID: fx.Advisor.ID, Pillars: []string{"data", "operations"},
		Sections: []string{"C"}, Associations: []int64{fx.Wood.ID}, Languages: []string{"vi", "en"}, Online: true, OnSite: true,
		WeeklyCapacity: 10}, BioVI: "Chuyên gia dữ liệu", BioEN: "Data expert", Rules: advisors.DefaultRules(), Hours: WorkWeek()}
	if err := s.AddAdvisorProfile(ctx, fx.AdvisorProfile); err != nil {
		return nil, err
	}
	fx.AdvisorProfile.Name, fx.AdvisorProfile.Email, fx.AdvisorProfile.Active = fx.Advisor.Name, fx.Advisor.Email, true
	return fx, nil
}

// WorkWeek is Monday to Friday, 08:00–11:45 and 13:30–17:00.
func WorkWeek() []advisors.Hours {
	var hs []advisors.Hours
	for d := time.Monday; d <= time.Friday; d++ {
		hs = append(hs, advisors.Hours{Weekday: d, Start: 8 * 60, End: 11*60 + 45}, advisors.Hours{Weekday: d, Start: 13*60 + 30, End: 17 * 60})
	}
	return hs
}

// Instrument returns the latest version of the default instrument.
func Instrument(t testing.TB) *survey.Instrument {
	t.Helper()
	all, err := survey.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	in, ok := survey.Latest(all, survey.DefaultID)
	if !ok {
		t.Fatalf("no instrument %s", survey.DefaultID)
	}
	return in
}
