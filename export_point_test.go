package vitessdo

// LastPointRows returns the rows of the last point select a driver
// connection (as (*sql.Conn).Raw gives it) handed to database/sql, or
// nil.
func LastPointRows(driverConn any) any {
	if pr := driverConn.(*conn).lastPoint; pr != nil {
		return pr
	}
	return nil
}
