package shard

import (
	"context"
	"database/sql/driver"
	"errors"
)

// PoolConn is a connection of a backend's own pool (pool.go) taken for
// one shard query that reads its rows on a goroutine (QueryPooled): a
// scatter takes its shards' connections one after another, in order,
// before their streams start.
type PoolConn struct{ pc *poolConn }

// TakeConn takes a connection of the backend's own pool for
// QueryPooled, waiting under ctx while the pool is full. It returns nil
// and no error when the backend has no pool of its own: take a
// *sql.Conn of DB for QueryOn instead.
func (b *Backend) TakeConn(ctx context.Context) (*PoolConn, error) {
	if b.pool == nil {
		return nil, nil
	}
	var pc *poolConn
	err := b.retry(func(strategy connStrategy) error {
		var err error
		pc, err = b.pool.get(ctx, strategy)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &PoolConn{pc: pc}, nil
}

// QueryPooled is Query on a connection TakeConn took for this query
// alone: its rows give it back when they end, the stream when it could
// not start.
func QueryPooled(ctx context.Context, s *Shard, conn *PoolConn, lim Limiter, query string, args []any) *Stream {
	ctx, cancel := context.WithCancel(ctx)
	st := newStream(s, cancel)
	st.pooled = conn.pc
	go st.run(ctx, s.Backend.DB, lim, query, args)
	return st
}

// runPooled runs the stream's query on its pool connection, the rows
// owning the connection from then on; see runConn.
func (st *Stream) runPooled(ctx context.Context, lim Limiter, query string, args []any, start func(bool)) {
	r := &ConnRows{shard: st.shard, ctx: ctx, pc: st.pooled, size: firstBatch}
	st.pooled = nil
	if err := r.start(r.pc.cc, query, args); err != nil {
		r.bad = errors.Is(err, driver.ErrBadConn)
		r.giveBack()
		lim.release()
		st.fail(err)
		return
	}
	if r.ri == nil {
		r.giveBack()
	}
	st.cols = r.cols
	close(st.header)
	st.fetch(ctx, connSource{r}, lim, firstBatch, start)
}
