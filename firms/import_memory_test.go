package firms

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A duplicate tax code is caught whatever its form (a branch with or
// without its dash, spaces, dots) and named by its first line; codes that
// are equal only as numbers (a 12-digit personal ID and a 10-digit MST) are
// not duplicates.
func TestImportDuplicatesByTaxCodeInAnyForm(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	rest := ",Công ty Gỗ,3100,25760,12,1000,1000,2025\n"
	data := "tax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year\n" +
		"3709000012" + rest + "3709000012-001" + rest + "\"37.0900.0012\"" + rest + "3709000012001" + rest
	rd, ferr := NewImportReader(strings.NewReader(data), ref, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), nil)
	if ferr != nil {
		t.Fatal(ferr)
	}
	var got []string
	for {
		_, probs, err := rd.Next()
		if err == io.EOF {
			break
		}
		for _, p := range probs {
			got = append(got, fmt.Sprintf("%d %s %s", p.Line, p.Problem, p.Value))
		}
	}
	want := []string{"4 " + string(ErrImportDuplicateRow) + " 2", "5 " + string(ErrImportDuplicateRow) + " 3"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("problems %q, want %q", got, want)
	}
	if taxKey("001234567890") == taxKey("1234567890") || taxKey("3709000012-001") != taxKey("3709000012001") {
		t.Fatal("taxKey mixes lengths or splits forms")
	}
}

// rows writes n valid registry rows to w, the CSV generated as it is read,
// so the test holds no file.
func rows(w *io.PipeWriter, n int) {
	fmt.Fprintln(w, "tax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year,email")
	for body, i := 380001000, 0; i < n; body++ {
		d, ok := CheckDigit(strconv.Itoa(body))
		if !ok {
			continue
		}
		fmt.Fprintf(w, "%d%c,\"Công ty TNHH Nhập thử số %d, một tên dài như tên thật\",3100,25760,12,1000,1000,2025,info%d@nhapthu.vn\n", body, d, i, i)
		i++
	}
	w.Close()
}

// The reader's memory does not follow the file: after reading 60,000
// rows it holds at most 64 bytes a row (the duplicate check's set, ~20-40),
// where keeping each row's text (the tax code sharing the memory of its
// CSV record, as it once did) held more than 160.
func TestImportReaderHoldsNoRowText(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	const n = 60_000
	pr, pw := io.Pipe()
	go rows(pw, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rd, ferr := NewImportReader(pr, ref, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), nil)
	if ferr != nil {
		t.Fatal(ferr)
	}
	read := 0
	for {
		row, probs, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil || probs != nil || row == nil {
			t.Fatalf("row %d: %v %v", read, probs, err)
		}
		read++
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if per := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / n; read != n || per > 64 {
		t.Fatalf("%d rows read; %d bytes a row still held", read, per)
	}
	runtime.KeepAlive(rd)
}
