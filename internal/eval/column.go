package eval

import "reflect"

// Row is one result row. Values are nil, int64, float64, bool, string,
// []byte or time.Time, as database/sql hands them out of a shard's rows.
// A Row returned by Next belongs to the caller.
type Row = []any

// Column describes one result column as the shard reported it.
type Column struct {
	Name string
	// DatabaseType is the shard's type name (driver.RowsColumnTypeDatabaseTypeName), "" if unknown.
	DatabaseType string
	// ScanType is the Go type the shard suggests scanning into, nil if unknown.
	ScanType reflect.Type
	// Nullable and HasNullable report nullability when the shard knows it.
	Nullable, HasNullable bool
	// Length and HasLength report a variable-length type's length.
	Length    int64
	HasLength bool
	// Precision, Scale and HasPrecisionScale report a decimal's size.
	Precision, Scale  int64
	HasPrecisionScale bool
}
