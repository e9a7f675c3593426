package workflow

import (
	"context"
	"sync/atomic"
	"time"
)

// Progress is how far a copy has come, reported while it runs.
type Progress struct {
	// Phase is "copy" while rows are copied, "verify" while the copy is
	// compared with its source.
	Phase string
	// Table is the table being worked on.
	Table string
	// Rows is how many rows are done of Total, over every table.
	Rows, Total int64
	// Elapsed is the time since the phase began.
	Elapsed time.Duration
}

// progressInterval is how often a running workflow reports.
const progressInterval = 200 * time.Millisecond

// meter counts the rows of a phase and reports them to a callback from
// one goroutine, every progressInterval and once more when it stops.
type meter struct {
	fn    func(Progress)
	phase string
	total int64
	start time.Time
	rows  atomic.Int64
	table atomic.Value
	stop  chan struct{}
	done  chan struct{}
}

func startMeter(ctx context.Context, fn func(Progress), phase string, total int64) *meter {
	m := &meter{fn: fn, phase: phase, total: total, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	m.table.Store("")
	if fn == nil {
		close(m.done)
		return m
	}
	go func() {
		defer close(m.done)
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				m.report()
			case <-ctx.Done():
				return
			case <-m.stop:
				m.report()
				return
			}
		}
	}()
	return m
}

func (m *meter) report() {
	m.fn(Progress{Phase: m.phase, Table: m.table.Load().(string), Rows: m.rows.Load(), Total: m.total, Elapsed: time.Since(m.start)})
}

func (m *meter) setTable(t string) { m.table.Store(t) }
func (m *meter) add(n int)         { m.rows.Add(int64(n)) }

// finish stops the reports, after a last one.
func (m *meter) finish() {
	if m.fn != nil {
		select {
		case <-m.stop:
		default:
			close(m.stop)
		}
	}
	<-m.done
}
