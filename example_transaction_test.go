package vitessdo_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/dot-do/vitessdo"
)

// openExample opens the example keyspace on private in-memory shards and
// creates its table.
func openExample(cfg *vitessdo.Config) (*sql.DB, *vitessdo.Connector) {
	cfg.VSchemaJSON, cfg.Dir = []byte(exampleVSchema), ":memory:"
	c, err := vitessdo.NewConnector(cfg)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	if _, err := db.Exec("CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(64))"); err != nil {
		log.Fatal(err)
	}
	return db, c
}

// A transaction that writes to two shards commits both in transaction
// mode multi. If a shard's COMMIT fails after another's succeeded, Commit
// returns a *CommitError naming the shards on each side; a transaction
// rolled back because it would have deadlocked returns an error that
// errors.Is(err, ErrDeadlock) matches, and can be retried.
func ExampleCommitError() {
	db, _ := openExample(&vitessdo.Config{TransactionMode: vitessdo.TxMulti})
	defer db.Close()

	transfer := func() error {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		// Ids 1 and 4 live on different shards.
		if _, err := tx.Exec("INSERT INTO customers (id, name) VALUES (1, 'Ada'), (4, 'Grace')"); err != nil {
			return err
		}
		return tx.Commit()
	}

	err := transfer()
	var ce *vitessdo.CommitError
	switch {
	case errors.As(err, &ce):
		// Neither all applied nor all undone: repair from what it says.
		fmt.Println("committed on", ce.Committed, "but not on", ce.Failed)
	case errors.Is(err, vitessdo.ErrDeadlock):
		fmt.Println("deadlock: retry the transaction")
	case err != nil:
		log.Fatal(err)
	default:
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM customers").Scan(&n); err != nil {
			log.Fatal(err)
		}
		fmt.Println("committed on every shard:", n, "rows")
	}
	// Output: committed on every shard: 2 rows
}

// A program that uses transaction_mode twopc on PostgreSQL shards can run
// a recovery pass at start-up, to know that what an earlier process left
// prepared has been committed or rolled back before it serves requests.
// The connector also runs one in the background when it opens. With
// SQLite shards there is nothing to recover.
func ExampleConnector_RecoverTwoPC() {
	db, c := openExample(&vitessdo.Config{})
	defer db.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rec, err := c.RecoverTwoPC(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("committed %d, rolled back %d, left to live connectors %d\n", len(rec.Committed), len(rec.RolledBack), len(rec.Waiting))

	// In transaction_mode twopc, a commit that did not end cleanly returns
	// a *TwoPCError whose Decision says what became of the transaction.
	// On SQLite shards, which cannot prepare, twopc is refused when the
	// transaction begins, with a *TransactionError.
	conn, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET transaction_mode = 'twopc'"); err != nil {
		log.Fatal(err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	var te *vitessdo.TransactionError
	if errors.As(err, &te) {
		fmt.Println(err)
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("INSERT INTO customers (id, name) VALUES (1, 'Ada'), (4, 'Grace')"); err != nil {
		log.Fatal(err)
	}
	var pe *vitessdo.TwoPCError
	switch err := tx.Commit(); {
	case errors.As(err, &pe) && pe.Decision == vitessdo.TwoPCCommitted:
		fmt.Println("committed; the connector finishes shards", pe.Pending, "in the background")
	case errors.As(err, &pe):
		fmt.Printf("two-phase commit %s: %s: %v\n", pe.GTID, pe.Decision, pe.Err)
	case err != nil:
		log.Fatal(err)
	}
	// Output:
	// committed 0, rolled back 0, left to live connectors 0
	// vitessdo: transaction_mode twopc needs every shard on PostgreSQL, and shard shop/-80 is on SQLite, which has no PREPARE TRANSACTION: it cannot promise to commit before the other shards do; use transaction_mode multi
}
