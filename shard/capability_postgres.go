package shard

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/dot-do/vitessdo/internal/eval"
)

// PostgreSQLCapabilities are what a PostgreSQL backend can do through SQL
// alone: prepared transactions, advisory locks, snapshot isolation under
// its standard name, and its catalog. The driver package that opens the
// backend (shard/postgres) adds what needs the driver: the status of a
// failed transaction (FailedTransactionReporter).
type PostgreSQLCapabilities struct{}

var (
	_ TxOptionsAdapter     = PostgreSQLCapabilities{}
	_ PreparedTransactions = PostgreSQLCapabilities{}
	_ AdvisoryLocks        = PostgreSQLCapabilities{}
	_ CatalogReader        = PostgreSQLCapabilities{}
	_ LockConflictReporter = PostgreSQLCapabilities{}
	_ DecisionLog          = PostgreSQLCapabilities{}
	_ ValueSemantics       = PostgreSQLCapabilities{}
)

// ReadsToEndOnClose marks that pgx reads a result to its end when its
// rows close under a live context.
func (PostgreSQLCapabilities) ReadsToEndOnClose() {}

func (PostgreSQLCapabilities) ReadCatalog(ctx context.Context, run QueryFunc) ([]TableInfo, error) {
	return postgresCatalog(ctx, run)
}

func (PostgreSQLCapabilities) PrimaryKey(ctx context.Context, q Querier, table string) ([]string, error) {
	return postgresPrimaryKey(ctx, q, table)
}

func (PostgreSQLCapabilities) IdentityColumn(ctx context.Context, q Querier, table string) (string, error) {
	return postgresIdentity(ctx, q, table)
}

// TxOptions gives snapshot isolation as REPEATABLE READ, which is
// PostgreSQL's snapshot isolation.
func (PostgreSQLCapabilities) TxOptions(o sql.TxOptions) *sql.TxOptions {
	if o.Isolation == sql.LevelSnapshot {
		o.Isolation = sql.LevelRepeatableRead
	}
	return &o
}

// quoteLiteral quotes a string as a standard SQL literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func (PostgreSQLCapabilities) PrepareSQL(gid string) string {
	return "PREPARE TRANSACTION " + quoteLiteral(gid)
}

func (PostgreSQLCapabilities) CommitPreparedSQL(gid string) string {
	return "COMMIT PREPARED " + quoteLiteral(gid)
}

func (PostgreSQLCapabilities) RollbackPreparedSQL(gid string) string {
	return "ROLLBACK PREPARED " + quoteLiteral(gid)
}

func (PostgreSQLCapabilities) IsPrepared(ctx context.Context, q Querier, gid string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM pg_prepared_xacts WHERE gid = $1", gid).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (PostgreSQLCapabilities) ListPrepared(ctx context.Context, q Querier, prefix string) ([]string, error) {
	rs, err := q.QueryContext(ctx, "SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND left(gid, length($1)) = $1", prefix)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var gids []string
	for rs.Next() {
		var gid string
		if err := rs.Scan(&gid); err != nil {
			return nil, err
		}
		gids = append(gids, gid)
	}
	return gids, rs.Err()
}

// IsUnknownPrepared reports undefined_object (42704), PostgreSQL's answer
// to COMMIT PREPARED or ROLLBACK PREPARED of an id it does not hold.
func (PostgreSQLCapabilities) IsUnknownPrepared(err error) bool {
	var pe interface{ SQLState() string }
	return errors.As(err, &pe) && pe.SQLState() == "42704"
}

func (PostgreSQLCapabilities) TryAdvisoryLock(ctx context.Context, conn *sql.Conn, key int64) (bool, error) {
	var got bool
	err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got)
	return got, err
}

func (PostgreSQLCapabilities) AdvisoryUnlock(ctx context.Context, conn *sql.Conn, key int64) error {
	_, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", key)
	return err
}

// IsLockConflict reports deadlock_detected (40P01), serialization_failure
// (40001) and lock_not_available (55P03).
func (PostgreSQLCapabilities) IsLockConflict(err error) bool {
	var pe interface{ SQLState() string }
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.SQLState() {
	case "40P01", "40001", "55P03":
		return true
	}
	return false
}

// postgresDecisionLog is the decision log on PostgreSQL.
var postgresDecisionLog = DecisionLogStatements{
	Create: `CREATE TABLE IF NOT EXISTS vitessdo_twopc (
	gtid text PRIMARY KEY,
	state text NOT NULL,
	instance bigint NOT NULL,
	participants text NOT NULL,
	started timestamptz NOT NULL DEFAULT now()
)`,
	Exists:        "SELECT to_regclass('vitessdo_twopc') IS NOT NULL",
	Insert:        "INSERT INTO vitessdo_twopc (gtid, state, instance, participants) VALUES ($1, 'prepare', $2, $3)",
	Commit:        "UPDATE vitessdo_twopc SET state = 'commit' WHERE gtid = $1 AND state = 'prepare'",
	Rollback:      "UPDATE vitessdo_twopc SET state = 'rollback' WHERE gtid = $1 AND state = 'prepare'",
	State:         "SELECT state FROM vitessdo_twopc WHERE gtid = $1",
	Delete:        "DELETE FROM vitessdo_twopc WHERE gtid = $1",
	DeleteInState: "DELETE FROM vitessdo_twopc WHERE gtid = $1 AND state = $2",
	List:          "SELECT gtid, state, instance, participants FROM vitessdo_twopc",
}

// DecisionLogSQL returns the decision log's statements on PostgreSQL.
func (PostgreSQLCapabilities) DecisionLogSQL() *DecisionLogStatements {
	return &postgresDecisionLog
}

// Semantics returns PostgreSQL's value rules.
func (PostgreSQLCapabilities) Semantics() eval.Engine { return eval.PostgreSQL }
