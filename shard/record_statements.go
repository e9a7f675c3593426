package shard

// The record table's columns, the same on every backend.
const recordColumns = `keyspace TEXT NOT NULL, shard TEXT NOT NULL, key_range TEXT NOT NULL, placement TEXT NOT NULL, state TEXT NOT NULL, detail TEXT NOT NULL, PRIMARY KEY (keyspace, shard)`

var (
	_ RecordKeeper = SQLiteCapabilities{}
	_ RecordKeeper = PostgreSQLCapabilities{}
)

// RecordStatements are SQLite's: ? placeholders, sqlite_master.
func (SQLiteCapabilities) RecordStatements() RecordStatements {
	return RecordStatements{
		Exists:       "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '" + RecordTable + "'",
		Create:       "CREATE TABLE IF NOT EXISTS " + RecordTable + " (" + recordColumns + ")",
		Select:       "SELECT keyspace, shard, key_range, placement, state, detail FROM " + RecordTable + " ORDER BY keyspace, shard",
		Insert:       "INSERT INTO " + RecordTable + " (keyspace, shard, key_range, placement, state, detail) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (keyspace, shard) DO NOTHING",
		Upsert:       "INSERT INTO " + RecordTable + " (keyspace, shard, key_range, placement, state, detail) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (keyspace, shard) DO UPDATE SET key_range = excluded.key_range, placement = excluded.placement, state = excluded.state, detail = excluded.detail",
		SetState:     "UPDATE " + RecordTable + " SET state = ?, detail = ? WHERE keyspace = ? AND shard = ?",
		SetPlacement: "UPDATE " + RecordTable + " SET placement = ? WHERE placement = '' AND keyspace = ? AND shard = ?",
		Delete:       "DELETE FROM " + RecordTable + " WHERE keyspace = ? AND shard = ?",
		Tables:       "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
	}
}

// RecordStatements are PostgreSQL's: $n placeholders, the catalog of the
// first schema of the search_path.
func (PostgreSQLCapabilities) RecordStatements() RecordStatements {
	return RecordStatements{
		Exists:       "SELECT to_regclass(quote_ident(current_schema()) || '." + RecordTable + "') IS NOT NULL",
		Create:       "CREATE TABLE IF NOT EXISTS " + RecordTable + " (" + recordColumns + ")",
		Select:       "SELECT keyspace, shard, key_range, placement, state, detail FROM " + RecordTable + " ORDER BY keyspace, shard",
		Insert:       "INSERT INTO " + RecordTable + " (keyspace, shard, key_range, placement, state, detail) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (keyspace, shard) DO NOTHING",
		Upsert:       "INSERT INTO " + RecordTable + " (keyspace, shard, key_range, placement, state, detail) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (keyspace, shard) DO UPDATE SET key_range = excluded.key_range, placement = excluded.placement, state = excluded.state, detail = excluded.detail",
		SetState:     "UPDATE " + RecordTable + " SET state = $1, detail = $2 WHERE keyspace = $3 AND shard = $4",
		SetPlacement: "UPDATE " + RecordTable + " SET placement = $1 WHERE placement = '' AND keyspace = $2 AND shard = $3",
		Delete:       "DELETE FROM " + RecordTable + " WHERE keyspace = $1 AND shard = $2",
		Tables:       "SELECT c.relname FROM pg_class c WHERE c.relnamespace = to_regnamespace(current_schema()) AND c.relkind IN ('r', 'p')",
	}
}
