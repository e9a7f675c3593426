package shard

// Holds reports whether the stream still reads its rows: its connection
// (its own, or one of its pool's) is held until they end or the stream
// closes.
func (st *Stream) Holds() bool {
	if st.rows != nil {
		return st.rows.holds()
	}
	select {
	case <-st.done:
		return false
	default:
		return true
	}
}

// PoolFull reports whether every connection the backend's pool may open
// is in use: a statement asking for one waits.
func (b *Backend) PoolFull() bool {
	if b.pool != nil {
		s := b.pool.stats()
		return s.MaxOpen > 0 && s.InUse >= s.MaxOpen
	}
	s := b.DB.Stats()
	return s.MaxOpenConnections > 0 && s.InUse >= s.MaxOpenConnections
}
