package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"dxready/store"
	"dxready/store/storetest"
)

func openAt(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(ctx, path, store.Options{Clock: storetest.NewClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func metaAt(t *testing.T, path, key string) string {
	t.Helper()
	s := openAt(t, path)
	defer s.Close()
	v, err := s.Meta(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// fillWith returns a fill that migrates and sets key, then fails with fail.
func fillWith(key string, fail error) func(*store.Store) error {
	return func(s *store.Store) error {
		if _, err := s.Migrate(ctx); err != nil {
			return err
		}
		if err := s.SetMeta(ctx, key, "1"); err != nil {
			return err
		}
		return fail
	}
}

// A build that fails part-way leaves no database; one that died leaving
// its temporary file (and a stale log) is cleaned up by the next, which
// produces a whole database with nothing of the dead one in it.
func TestBuildIsWholeOrNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := store.Build(ctx, path, store.Options{Clock: storetest.NewClock().Now}, fillWith("half", errors.New("killed"))); err == nil {
		t.Fatal("a failed fill reported success")
	}
	for _, p := range []string{path, path + ".building", path + ".building-wal"} {
		if exists(p) {
			t.Fatalf("%s left after a failed build", p)
		}
	}
	// A build killed outright: its temporary file stays, with half a build.
	dead := openAt(t, path+".building")
	if err := dead.SetMeta(ctx, "half", "1"); err != nil {
		t.Fatal(err)
	}
	dead.Close()
	os.WriteFile(path+"-wal", []byte("a log without its database"), 0o644)
	if err := store.Build(ctx, path, store.Options{Clock: storetest.NewClock().Now}, fillWith("whole", nil)); err != nil {
		t.Fatal(err)
	}
	if exists(path+".building") || exists(path+"-wal") {
		t.Fatal("temporary files left after a build")
	}
	if metaAt(t, path, "whole") != "1" || metaAt(t, path, "half") != "" {
		t.Fatal("the built database is not the whole new build alone")
	}
}

// An existing database is replaced only when it is not open: its log
// would otherwise be replayed onto the new file.
func TestBuildRefusesAnOpenDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	old := openAt(t, path)
	if err := old.SetMeta(ctx, "old", "1"); err != nil {
		t.Fatal(err)
	}
	if err := store.Build(ctx, path, store.Options{Clock: storetest.NewClock().Now}, fillWith("new", nil)); err == nil {
		t.Fatal("replaced a database that is open")
	}
	old.Close()
	if exists(path + "-wal") {
		t.Fatal("closing the store left its log: Build could never replace a closed database")
	}
	if err := store.Build(ctx, path, store.Options{Clock: storetest.NewClock().Now}, fillWith("new", nil)); err != nil {
		t.Fatal(err)
	}
	if metaAt(t, path, "new") != "1" || metaAt(t, path, "old") != "" {
		t.Fatal("the closed database was not replaced")
	}
}
