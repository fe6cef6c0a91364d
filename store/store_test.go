package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"dxready/auth"
	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

var ctx = context.Background()

func TestMigrateIsIdempotent(t *testing.T) {
	s := storetest.OpenEmpty(t)
	n, err := s.Migrate(ctx)
	if err != nil || n != 0 {
		t.Fatalf("second Migrate ran %d, %v", n, err)
	}
	if v, err := s.SchemaVersion(ctx); err != nil || v < 1 {
		t.Fatalf("schema version %d, %v", v, err)
	}
}

func TestFirmCRUD(t *testing.T) {
	s, fx := storetest.Open(t)
	got, err := s.FindFirmByTaxCode(ctx, "3709000012")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != fx.GoDuc.ID || got.Name != "Công ty TNHH Gỗ Đức Thành" || got.SizeClass != firms.Medium ||
		got.ParkCode != "vsip2" || got.Section != "C" || got.Size.Year != 2025 || !got.CreatedAt.Equal(storetest.Clock) {
		t.Fatalf("firm = %+v", got)
	}
	if _, err := s.FindFirmByID(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing firm err = %v", err)
	}
	dup := &firms.Firm{TaxCode: "3709000012", Name: "Khác", VSICVersion: "2018"}
	if err := s.CreateFirm(ctx, dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate tax code err = %v", err)
	}
	got.Name = "Công ty TNHH Gỗ Đức Thành Mới"
	got.ParkCode = ""
	if err := s.UpdateFirm(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, _ := s.FindFirmByID(ctx, got.ID)
	if again.Name != got.Name || again.ParkCode != "" {
		t.Fatalf("after update: %+v", again)
	}
	// A self-registered firm with an incomplete profile keeps NULLs.
	bare := &firms.Firm{TaxCode: "3709000118", Name: "Hộ kinh doanh Lan", VSICVersion: "2018"}
	if err := s.CreateFirm(ctx, bare); err != nil {
		t.Fatal(err)
	}
	b, _ := s.FindFirmByID(ctx, bare.ID)
	if b.Complete() || b.WardCode != "" || b.SizeClass != "" {
		t.Fatalf("bare firm = %+v", b)
	}
	if err := s.UpdateFirm(ctx, &firms.Firm{ID: 424242, Name: "x", VSICVersion: "2018"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update missing err = %v", err)
	}
}

func TestFindFirms(t *testing.T) {
	s, fx := storetest.Open(t)
	tests := []struct {
		name string
		f    store.FirmFilter
		want []int64
	}{
		{"all, by name without legal form", store.FirmFilter{}, []int64{fx.GoDuc.ID, fx.Kho.ID, fx.NoiThat.ID}},
		{"words without diacritics", store.FirmFilter{Query: "go duc"}, []int64{fx.GoDuc.ID}},
		{"words with diacritics", store.FirmFilter{Query: "Gỗ Đức"}, []int64{fx.GoDuc.ID}},
		{"word prefix", store.FirmFilter{Query: "noi th"}, []int64{fx.NoiThat.ID}},
		{"tax code prefix", store.FirmFilter{Query: "370900004"}, []int64{fx.Kho.ID}},
		{"tax code with dots", store.FirmFilter{Query: "3709.000.0"}, []int64{fx.GoDuc.ID, fx.Kho.ID, fx.NoiThat.ID}},
		{"association", store.FirmFilter{AssociationID: fx.Wood.ID}, []int64{fx.GoDuc.ID, fx.NoiThat.ID}},
		{"ward", store.FirmFilter{WardCode: "25942"}, []int64{fx.Kho.ID}},
		{"size", store.FirmFilter{SizeClass: firms.Micro}, []int64{fx.NoiThat.ID}},
		{"combined, none", store.FirmFilter{AssociationID: fx.Logistics.ID, SizeClass: firms.Micro}, nil},
		{"fts syntax is inert", store.FirmFilter{Query: `"go" (*duc^`}, []int64{fx.GoDuc.ID}},
		{"control bytes are separators", store.FirmFilter{Query: "go\x00duc\x01"}, []int64{fx.GoDuc.ID}},
		{"only junk matches all", store.FirmFilter{Query: "\x00\xff\\*"}, []int64{fx.GoDuc.ID, fx.Kho.ID, fx.NoiThat.ID}},
		{"no match", store.FirmFilter{Query: "khong co"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := s.FindFirms(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(tc.want) || len(got) != len(tc.want) {
				t.Fatalf("total %d, got %d, want %d", total, len(got), len(tc.want))
			}
			for i := range got {
				if got[i].ID != tc.want[i] {
					t.Fatalf("row %d = %d (%s), want %d", i, got[i].ID, got[i].Name, tc.want[i])
				}
			}
		})
	}
	page, total, _ := s.FindFirms(ctx, store.FirmFilter{Limit: 2, Offset: 2})
	if total != 3 || len(page) != 1 || page[0].ID != fx.NoiThat.ID {
		t.Fatalf("page 2: total %d, %d rows", total, len(page))
	}
}

func TestUsersAndSessions(t *testing.T) {
	s, fx := storetest.Open(t)
	u, err := s.FindUserByEmail(ctx, "firm@test.local")
	if err != nil || u.FirmID != fx.GoDuc.ID || u.Role != auth.RoleFirm {
		t.Fatalf("user = %+v, %v", u, err)
	}
	dup := &auth.User{Email: "firm@test.local", Role: auth.RoleFirm, Status: auth.StatusActive, FirmID: fx.GoDuc.ID, Lang: "vi", PasswordHash: "x"}
	if err := s.CreateUser(ctx, dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate email err = %v", err)
	}
	bad := &auth.User{Email: "nofirm@test.local", Role: auth.RoleFirm, Status: auth.StatusActive, Lang: "vi", PasswordHash: "x"}
	if err := s.CreateUser(ctx, bad); err == nil {
		t.Fatal("a firm user without a firm was stored")
	}
	hash := []byte("0123456789abcdef0123456789abcdef")
	now := storetest.Clock
	if err := s.CreateSession(ctx, &store.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	sess, su, err := s.SessionUser(ctx, hash)
	if err != nil || su.ID != u.ID || sess.UserID != u.ID || !sess.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("session = %+v %+v %v", sess, su, err)
	}
	if _, _, err := s.SessionUser(ctx, []byte("other")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token err = %v", err)
	}
	fx.Clock.Set(now.Add(2 * time.Hour))
	if _, _, err := s.SessionUser(ctx, hash); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired session err = %v", err)
	}
	if n, err := s.SweepExpired(ctx); err != nil || n != 1 {
		t.Fatalf("deleted %d, %v", n, err)
	}
	fx.Clock.Set(now)
	s.CreateSession(ctx, &store.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)})
	if err := s.SetUserStatus(ctx, u.ID, fx.Kho.ID, auth.StatusDisabled); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("status change scoped to another firm err = %v", err)
	}
	if err := s.SetUserStatus(ctx, u.ID, 0, auth.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionUser(ctx, hash); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("a disabled user's session still works")
	}
	counts, _ := s.UserCounts(ctx)
	if counts[auth.RoleAdmin] != 1 || counts[auth.RoleFirm] != 1 {
		t.Fatalf("counts = %v", counts)
	}
}

func TestContactConsentAndErasure(t *testing.T) {
	s, fx := storetest.Open(t)
	c := &firms.Contact{FirmID: fx.GoDuc.ID, FullName: "Trần Thị Lan", Email: "lan@example.vn", ConsentVersion: firms.ContactConsentVersion, ConsentBy: fx.FirmUser.ID}
	if err := s.SaveContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.Phone = "0912345678"
	if err := s.SaveContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindContact(ctx, fx.GoDuc.ID)
	if err != nil || got.Phone != "0912345678" || got.ConsentVersion != "contact-v1" || got.ConsentBy != fx.FirmUser.ID {
		t.Fatalf("contact = %+v, %v", got, err)
	}
	if err := s.EraseContact(ctx, fx.GoDuc.ID, fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindContact(ctx, fx.GoDuc.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("contact survives erasure: %v", err)
	}
	if err := s.EraseContact(ctx, fx.GoDuc.ID, fx.FirmUser.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second erase err = %v", err)
	}
	evs, _ := s.ConsentEvents(ctx, fx.GoDuc.ID)
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Event)
	}
	if len(kinds) != 3 || kinds[0] != "given" || kinds[1] != "updated" || kinds[2] != "erased" {
		t.Fatalf("consent events = %v", kinds)
	}
}

func TestBackup(t *testing.T) {
	s, _ := storetest.Open(t)
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := s.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, out); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	copyStore, err := store.Open(ctx, out, store.Options{Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer copyStore.Close()
	if n, err := copyStore.CountFirms(ctx); err != nil || n != 3 {
		t.Fatalf("backup has %d firms, %v", n, err)
	}
	if _, err := os.Stat(out + ".partial"); !os.IsNotExist(err) {
		t.Fatal("temporary backup file left behind")
	}
}

// Writers and readers at once never see SQLITE_BUSY: one writer connection
// with immediate transactions, readers on their own pool.
func TestConcurrentReadsAndWrites(t *testing.T) {
	s, fx := storetest.Open(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				if err := s.Audit(ctx, fx.Admin.ID, "test", "w", string(rune('a'+w))+string(rune('a'+i))); err != nil {
					errs <- err
					return
				}
			}
		})
		wg.Go(func() {
			for range 20 {
				if _, _, err := s.FindFirms(ctx, store.FirmFilter{Query: "cong ty"}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// The search index follows every write path: create, edit, import.
func TestSearchIndexFollowsWrites(t *testing.T) {
	s, fx := storetest.Open(t)
	find := func(q string) int {
		t.Helper()
		_, n, err := s.FindFirms(ctx, store.FirmFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if find("duc thanh") != 1 {
		t.Fatal("fixture not indexed")
	}
	f := *fx.GoDuc
	f.Name = "Công ty TNHH Mộc Phát Tài"
	if err := s.UpdateFirm(ctx, &f); err != nil {
		t.Fatal(err)
	}
	if find("duc thanh") != 0 || find("moc phat") != 1 {
		t.Fatalf("after edit: old %d, new %d", find("duc thanh"), find("moc phat"))
	}
	res, _ := importCSV(t, s, fx, header+"3709000012,Công ty TNHH Lâm Sản Xanh,3100,25760,,130,1,1,2025,\n"+
		"3709000132,Công ty TNHH Bao Bì Mới,1702,25747,,12,1,1,2025,\n")
	if !res.Written {
		t.Fatalf("import: %+v", res)
	}
	if find("moc phat") != 0 || find("lam san xanh") != 1 || find("bao bi moi") != 1 || find("kho van") != 1 {
		t.Fatalf("after import: %d %d %d %d", find("moc phat"), find("lam san xanh"), find("bao bi moi"), find("kho van"))
	}
	// A rejected import leaves the index as it was.
	bad, _ := importCSV(t, s, fx, header+"3709000012,Công ty Đổi Tên Hỏng,3100,25760,,130,1,1,2025,\n3709000133,x,1,2,,1,1,1,1,\n")
	if bad.Written || find("doi ten hong") != 0 || find("lam san xanh") != 1 {
		t.Fatal("a rejected import changed the search index")
	}
}
