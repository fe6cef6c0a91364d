package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"dxready/locale"
)

// progressBar draws "[#####-----]  45% 31.000 dòng" on a terminal and stays
// silent when output is a file or pipe, so logs are not flooded.
type progressBar struct {
	w     io.Writer
	total int64
	l     *locale.Localizer
	tty   bool
	drawn bool
}

func newProgressBar(w io.Writer, total int64, l *locale.Localizer) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, total: total, l: l, tty: tty}
}

func (p *progressBar) update(rows int, bytesRead int64) {
	if !p.tty || p.total <= 0 {
		return
	}
	frac := min(float64(bytesRead)/float64(p.total), 1)
	const width = 30
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %s", strings.Repeat("#", n), strings.Repeat("-", width-n), frac*100,
		p.l.T("cli.import_progress", "Rows", p.l.Int(int64(rows))))
	p.drawn = true
}

func (p *progressBar) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
