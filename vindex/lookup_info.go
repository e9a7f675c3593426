package vindex

// LookupTableInfo names a lookup vindex's table and columns, for programs
// that read the table to verify it (`vitessdo check`).
type LookupTableInfo struct {
	// Table is the table as the VSchema gives it, possibly
	// keyspace-qualified.
	Table string
	// From are the "from" columns, To the "to" column.
	From []string
	To   string
	// Consistent marks consistent_lookup and consistent_lookup_unique,
	// whose lookup rows may outlive their owner rows (Vitess allows a
	// dangling lookup row: the next insert of the value takes it over).
	Consistent bool
}

// TableReader is implemented by the lookup vindexes: LookupTable
// describes the lookup table, KeyspaceIDOf turns a value of its "to"
// column into the keyspace id it stands for (false for a value that names
// none).
type TableReader interface {
	LookupTable() LookupTableInfo
	KeyspaceIDOf(to any) ([]byte, bool, error)
}

var (
	_ TableReader = (*LookupNonUnique)(nil)
	_ TableReader = (*LookupUnique)(nil)
	_ TableReader = (*LookupHash)(nil)
	_ TableReader = (*LookupHashUnique)(nil)
	_ TableReader = (*ConsistentLookup)(nil)
	_ TableReader = (*ConsistentLookupUnique)(nil)
)

// LookupTable describes the vindex's lookup table.
func (l *lookupTable) LookupTable() LookupTableInfo {
	return LookupTableInfo{Table: l.table, From: append([]string(nil), l.from...), To: l.to, Consistent: l.consistent}
}

// KeyspaceIDOf returns the keyspace id a "to" value stands for.
func (l *lookupTable) KeyspaceIDOf(to any) ([]byte, bool, error) { return l.toKeyspaceID(to) }
