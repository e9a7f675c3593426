package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dot-do/vitessdo/workflow"
)

// progressPrinter shows a workflow's progress on stderr: one line
// rewritten in place on a terminal, else a line every few seconds.
type progressPrinter struct {
	w        io.Writer
	terminal bool
	every    time.Duration
	phase    string
	last     time.Time
	open     bool // a line is on the terminal without its newline
	lastLine string
}

func newProgressPrinter(w io.Writer) *progressPrinter {
	p := &progressPrinter{w: w, every: 5 * time.Second}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

// report is the workflow's Progress callback.
func (p *progressPrinter) report(pr workflow.Progress) {
	now := time.Now()
	if pr.Phase != p.phase {
		p.endLine()
		p.phase, p.last = pr.Phase, time.Time{}
	}
	line := progressLine(pr)
	done := pr.Total > 0 && pr.Rows >= pr.Total
	switch {
	case p.terminal:
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
		p.open = true
	case done && line != p.lastLine, now.Sub(p.last) >= p.every:
		fmt.Fprintln(p.w, line)
		p.last = now
	}
	p.lastLine = line
}

// endLine ends a terminal's progress line.
func (p *progressPrinter) endLine() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}

// progressLine is rows done of the total, the rate and the time left.
func progressLine(pr workflow.Progress) string {
	secs := pr.Elapsed.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(pr.Rows) / secs
	}
	pct := 100.0
	if pr.Total > 0 {
		pct = 100 * float64(pr.Rows) / float64(pr.Total)
	}
	eta := "-"
	if rate > 0 && pr.Total >= pr.Rows {
		eta = (time.Duration(float64(pr.Total-pr.Rows)/rate) * time.Second).Round(time.Second).String()
	}
	table := ""
	if pr.Table != "" {
		table = " " + pr.Table
	}
	return fmt.Sprintf("%s%s: %d/%d rows (%.1f%%), %.0f rows/s, ETA %s", pr.Phase, table, pr.Rows, pr.Total, pct, rate, eta)
}
