package web

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"testing"

	"dxready/locale"
	"dxready/survey"
)

// TestMain runs the tests, then checks that the catalogues and instruments
// every newEnv shares (loadBundle, loadInstruments) are still what a fresh
// load gives: no test or handler wrote to them, so no test saw another's
// changes.
func TestMain(m *testing.M) {
	code := m.Run()
	if err := sharedLoadsUnchanged(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: TestSharedBundleAndInstrumentsAreNotWritten:", err)
		code = max(code, 1)
	}
	os.Exit(code)
}

// sharedLoadsUnchanged compares the shared bundle and instruments with
// fresh loads of the same files.
func sharedLoadsUnchanged() error {
	ins, err := loadInstruments()
	if err != nil {
		return err
	}
	fresh, err := survey.LoadEmbedded()
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(ins, fresh) {
		return fmt.Errorf("the shared instruments differ from the embedded files")
	}
	b, err := loadBundle()
	if err != nil {
		return err
	}
	fb, err := locale.Load()
	if err != nil {
		return err
	}
	for _, l := range locale.Languages {
		if !slices.Equal(b.MessageIDs(l), fb.MessageIDs(l)) {
			return fmt.Errorf("the shared bundle's %s message IDs differ from the catalogue's", l)
		}
		for _, id := range fb.MessageIDs(l) {
			if got, want := b.For(l).T(id), fb.For(l).T(id); got != want {
				return fmt.Errorf("the shared bundle's %s %s is %q, the catalogue's %q", l, id, got, want)
			}
		}
	}
	return nil
}

// TestSharedBundleAndInstrumentsAreNotWritten: a test that writes to the
// shared instruments (here a copy is changed the way one could be) is
// caught by sharedLoadsUnchanged; TestMain runs it after every test.
func TestSharedBundleAndInstrumentsAreNotWritten(t *testing.T) {
	if err := sharedLoadsUnchanged(); err != nil {
		t.Fatal(err)
	}
	ins, err := loadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ins {
		was := in.Pillars[0].ID
		in.Pillars[0].ID = "changed"
		err := sharedLoadsUnchanged()
		in.Pillars[0].ID = was
		if err == nil {
			t.Fatal("a changed shared instrument was not noticed")
		}
		break
	}
	if err := sharedLoadsUnchanged(); err != nil {
		t.Fatal(err)
	}
}
