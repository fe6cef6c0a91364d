package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"dxready/store"
)

// countedRequest is one request of a cycle and the SQL it ran.
type countedRequest struct {
	method, path string
	n            store.SQLCounts
}

// countingHandler records, for each request it serves, what the store's
// connections ran meanwhile (requests are served one at a time).
type countingHandler struct {
	h   http.Handler
	st  *store.Store
	log []countedRequest
}

var digits = regexp.MustCompile(`/\d+/`)

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	before := c.st.SQLCounts()
	c.h.ServeHTTP(w, r)
	c.log = append(c.log, countedRequest{r.Method, digits.ReplaceAllString(r.URL.Path, "/N/"), c.st.SQLCounts().Sub(before)})
}

// cycleCounts runs one firm's whole cycle after a first one (so that the
// session and the rendered pieces are warm, as under load) and returns
// what each of its requests ran.
func cycleCounts(t *testing.T) []countedRequest {
	cs, in, st := benchPortalStore(t)
	c := cs[0]
	c.cycle(in)
	ch := &countingHandler{h: c.h, st: st}
	c.h = ch
	c.cycle(in)
	return ch.log
}

// TestFirmCycleReads counts the statements and read transactions of each
// request of the firm cycle, and holds them to what they are now: every
// read transaction after another connection's commit starts with an
// empty page cache, so a request's reads are paid for per transaction.
func TestFirmCycleReads(t *testing.T) {
	log := cycleCounts(t)
	var total store.SQLCounts
	var b strings.Builder
	for _, q := range log {
		fmt.Fprintf(&b, "%-5s %-28s reads %2d in %d tx, writes %2d in %d tx\n", q.method, q.path,
			q.n.ReadStatements, q.n.ReadTxs, q.n.WriteStatements, q.n.WriteTxs)
		total.ReadStatements += q.n.ReadStatements
		total.ReadTxs += q.n.ReadTxs
		total.WriteStatements += q.n.WriteStatements
		total.WriteTxs += q.n.WriteTxs
	}
	t.Logf("one cycle, per request:\n%scycle: reads %d in %d tx, writes %d in %d tx", b.String(),
		total.ReadStatements, total.ReadTxs, total.WriteStatements, total.WriteTxs)
}

// TestFirmCycleStatementsPinned holds the firm cycle's SQL to what it is
// since a step post reads its draft in its write (store.SaveStep) and the
// start reads the firm and its draft in the write that starts one
// (store.StartDraft): each of these posts runs no read and one write
// transaction of at most 4 statements (the start: 6), and the whole cycle
// at most 19 reads in 10 read transactions and 69 writes in 8. Before,
// a step was 5 statements in 2 transactions, the start 8 in 2, the cycle
// 96 in 25. Fails when a read comes back before or beside these writes.
func TestFirmCycleStatementsPinned(t *testing.T) {
	log := cycleCounts(t)
	var total store.SQLCounts
	for _, q := range log {
		total.ReadStatements += q.n.ReadStatements
		total.ReadTxs += q.n.ReadTxs
		total.WriteStatements += q.n.WriteStatements
		total.WriteTxs += q.n.WriteTxs
		if q.method != http.MethodPost || strings.HasSuffix(q.path, "/submit") {
			continue
		}
		most := int64(4)
		if q.path == "/assessment" {
			most = 6
		}
		if q.n.ReadStatements != 0 || q.n.ReadTxs != 0 || q.n.WriteTxs != 1 || q.n.WriteStatements > most {
			t.Errorf("%s %s ran %+v: want no read and one write transaction of at most %d statements", q.method, q.path, q.n, most)
		}
	}
	if total.ReadStatements > 19 || total.ReadTxs > 10 || total.WriteStatements > 69 || total.WriteTxs > 8 {
		t.Errorf("one cycle ran %+v: want at most 19 reads in 10 transactions and 69 writes in 8", total)
	}
}
