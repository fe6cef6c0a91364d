package demo

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// buildProvince builds a demo of n firms at path the way `dxready demo`
// does (store.Build), in batches of batch firms; opt adjusts the options.
func buildProvince(ctx context.Context, t *testing.T, path string, n, batch int, opt func(*Options)) error {
	t.Helper()
	ref, err := firms.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Seed: 11, Firms: n, BatchSize: batch, Password: "demo-password-1", Instrument: storetest.Instrument(t), Now: storetest.Clock}
	if opt != nil {
		opt(&o)
	}
	return store.Build(ctx, path, store.Options{Clock: func() time.Time { return storetest.Clock }}, func(st *store.Store) error {
		if _, err := st.Migrate(ctx); err != nil {
			return err
		}
		if err := st.SyncReference(ctx, ref); err != nil {
			return err
		}
		_, err := Seed(ctx, st, ref, auth.NewHasher(storetest.Cheap, 2), o)
		return err
	})
}

// random are the columns drawn from SQLite's or the hasher's randomness,
// not from the seed: disclosure keys and salted password hashes.
var random = []string{"record_key", "password_hash"}

// tablesChecksum hashes every row of every table of the database at path
// (but the search index's own tables, whose segments follow the
// transactions, and the random columns), table by table in name order and
// rows in the order of all their columns.
func tablesChecksum(t *testing.T, path string) (string, map[string]int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables := queryStrings(t, db, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'
		AND name NOT LIKE 'firms_fts%' AND name NOT LIKE 'agg_%' ORDER BY name`) // the cells hold sums of random keys
	h, counts := sha256.New(), map[string]int{}
	for _, table := range tables {
		var cols []string
		for _, c := range queryStrings(t, db, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table) {
			if !slices.Contains(random, c) {
				cols = append(cols, `"`+c+`"`)
			}
		}
		order := make([]string, len(cols))
		for i := range cols {
			order[i] = fmt.Sprint(i + 1)
		}
		rows, err := db.Query(fmt.Sprintf(`SELECT %s FROM "%s" ORDER BY %s`, strings.Join(cols, ", "), table, strings.Join(order, ", ")))
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%s%v\n", table, vals)
			counts[table]++
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil)), counts
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// The province is written a batch at a time, and where the batches end
// changes nothing: the same seed built in batches of 500 and of 37 firms
// gives the same rows in every table, and the same answers to a search.
func TestBatchesDoNotChangeTheProvince(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sums := map[int]string{}
	var counts map[string]int
	for _, batch := range []int{500, 37} {
		path := filepath.Join(dir, fmt.Sprintf("batch%d.db", batch))
		var seen []int
		err := buildProvince(ctx, t, path, 1200, batch, func(o *Options) { o.Progress = func(n int) { seen = append(seen, n) } })
		if err != nil {
			t.Fatal(err)
		}
		// Progress comes once a batch, after it is written.
		if want := (1200 + batch - 1) / batch; len(seen) != want || seen[0] != min(batch, 1200) || seen[len(seen)-1] != 1200 {
			t.Fatalf("batches of %d: progress %v, want %d reports ending at 1200", batch, seen, want)
		}
		sums[batch], counts = tablesChecksum(t, path)
		st, err := store.Open(ctx, path, store.Options{Clock: func() time.Time { return storetest.Clock }})
		if err != nil {
			t.Fatal(err)
		}
		_, found, err := st.FindFirms(ctx, store.FirmFilter{Query: "go", Limit: 1})
		st.Close()
		if err != nil || found == 0 {
			t.Fatalf("batches of %d: a search for \"go\" finds %d firms, %v", batch, found, err)
		}
		sums[batch] += fmt.Sprint(" search:", found)
	}
	if sums[500] != sums[37] {
		t.Fatalf("the batch size changed the province: %s against %s", sums[500], sums[37])
	}
	for _, table := range []string{"firms", "firm_associations", "responses", "answers", "pillar_scores", "current_results",
		"result_sharing", "sharing_events", "firm_registry_contacts", "users"} {
		if counts[table] == 0 {
			t.Errorf("the checksum saw no row of %s", table)
		}
	}
}

// A build stopped part-way (the context ends, as on Ctrl+C, after some
// batches were written) leaves no database and no temporary file, and the
// next start builds the whole province.
func TestStoppedBuildLeavesNothingAndTheNextBuildsWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	written := 0
	err := buildProvince(ctx, t, path, 1000, 100, func(o *Options) {
		o.Progress = func(n int) {
			if written = n; n == 300 {
				cancel()
			}
		}
	})
	if !errors.Is(err, context.Canceled) || written != 300 {
		t.Fatalf("the build was not stopped after 300 firms: %d written, %v", written, err)
	}
	for _, p := range []string{path, path + ".building", path + ".building-journal", path + ".building-wal"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists after a stopped build: %v", p, err)
		}
	}
	if err := buildProvince(context.Background(), t, path, 1000, 100, nil); err != nil {
		t.Fatal(err)
	}
	_, counts := tablesChecksum(t, path)
	if counts["firms"] != 1000 || counts["users"] != 1+8+12+20 {
		t.Fatalf("the next build holds %d firms and %d users", counts["firms"], counts["users"])
	}
}

// A province built in bulk (its change log triggers dropped while it
// loads) comes out with its aggregates' cells equal to the rows and its
// triggers back: the next write keeps the cells up to date.
func TestBulkBuiltProvinceHasItsCellsAndTriggers(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := buildProvince(ctx, t, path, 600, 250, nil); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, path, store.Options{Clock: func() time.Time { return storetest.Clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var triggers [2][]string
	for i, s := range []*store.Store{st, storetest.OpenEmpty(t)} {
		db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		triggers[i] = queryStrings(t, db, "SELECT sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name")
	}
	if len(triggers[0]) < 20 || !slices.Equal(triggers[0], triggers[1]) {
		t.Fatalf("the built province's triggers differ from a new database's: %d against %d", len(triggers[0]), len(triggers[1]))
	}
	c, err := st.VerifyAggregates(ctx)
	if err != nil || c.Firms == 0 || c.BadCells+c.BadInputs != 0 {
		t.Fatalf("the built province's cells: %+v, %v", c, err)
	}
}
