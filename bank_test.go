package vitessdo_test

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dot-do/vitessdo"
)

const bankVSchema = `{
  "keyspaces": {
    "bank": {
      "sharded": true,
      "shards": ["-40", "40-80", "80-c0", "c0-"],
      "vindexes": {"hash": {"type": "hash"}},
      "tables": {
        "accounts": {"column_vindexes": [{"column": "id", "name": "hash"}]},
        "ledger": {"column_vindexes": [{"column": "account_id", "name": "hash"}]}
      }
    }
  }
}`

var bankDDL = []string{
	"CREATE TABLE accounts (id BIGINT NOT NULL PRIMARY KEY, balance BIGINT NOT NULL)",
	"CREATE TABLE ledger (transfer_id BIGINT NOT NULL PRIMARY KEY, account_id BIGINT NOT NULL, to_id BIGINT NOT NULL, amount BIGINT NOT NULL)",
}

const (
	bankWorkers         = 100
	bankAccountsByShard = 10
	bankOpening         = 1000
)

type bankAccount struct {
	id    int64
	shard int // index in key-range order
}

// TestBankTransfersKeepTheTotalAndLoseNoTransfer moves money between
// accounts on different shards from 100 goroutines for a few seconds:
// under twopc on PostgreSQL shards and under multi on SQLite shards. Each
// transfer debits one account, credits another on another shard and
// writes a ledger row next to the debited account, in one transaction.
// The total never changes, every committed transfer has its ledger row
// and every account's balance is its opening balance plus its ledger.
//
// On SQLite each transfer touches its two shards in random order, so two
// transfers often each hold the file the other needs: the connector's
// deadlock detector fails one at once and it is retried. On PostgreSQL
// the transfers touch shards in key-range order, which keeps transactions
// from waiting in a cycle for pool connections (max_open_conns bounds
// each shard pool and the server's connections are shared).
func TestBankTransfersKeepTheTotalAndLoseNoTransfer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for seconds")
	}
	runs := []struct {
		engine engine
		mode   string
	}{{engine{name: "sqlite", url: sqliteURL}, vitessdo.TxMulti}}
	if os.Getenv(postgresEnv) != "" {
		runs = append(runs, struct {
			engine engine
			mode   string
		}{engine{name: "postgres", url: postgresURL}, vitessdo.TxTwoPC})
	} else {
		t.Logf("PostgreSQL twopc run skipped: set %s", postgresEnv)
	}
	for _, run := range runs {
		t.Run(run.engine.name+"/"+run.mode, func(t *testing.T) {
			runBank(t, run.engine, run.mode, 3*time.Second)
		})
	}
}

func runBank(t *testing.T, e engine, mode string, d time.Duration) {
	env := newTxEnv(t, e, bankVSchema)
	ordered := e.name == "postgres"
	db, c := env.open(t, mode, func(cfg *vitessdo.Config) {
		if ordered {
			cfg.MaxOpenConns = 8
		}
	})
	for _, ddl := range bankDDL {
		mustExec(t, db, ddl)
	}
	accounts := openAccounts(t, db)
	shards := env.shards("bank")

	var transfers, retries, declined, mostAttempts atomic.Int64
	var failMu sync.Mutex
	var failures []string
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := 0; w < bankWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for n := int64(1); time.Now().Before(stop); n++ {
				from, to := pickPair(rng, accounts)
				amount := 1 + rng.Int64N(50)
				id := int64(w)*1_000_000_000 + n
				for attempt := 1; ; attempt++ {
					ok, err := transfer(db, id, from, to, amount, ordered, rng)
					if err == nil {
						if ok {
							transfers.Add(1)
						} else {
							declined.Add(1)
						}
						for m := mostAttempts.Load(); int64(attempt) > m && !mostAttempts.CompareAndSwap(m, int64(attempt)); m = mostAttempts.Load() {
						}
						break
					}
					// Retry lock conflicts, backing off with jitter, for as
					// long as the run lasts and a while more: on a loaded
					// machine one attempt can take seconds, and a
					// deadlock always lets one of its transactions go on.
					if retryable(err) && time.Now().Before(stop.Add(2*time.Minute)) {
						retries.Add(1)
						time.Sleep(time.Duration(1+rng.IntN(min(2*attempt, 50))) * time.Millisecond)
						continue
					}
					failMu.Lock()
					failures = append(failures, err.Error())
					failMu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, f := range summarize(failures) {
		t.Error(f)
	}
	secs := d.Seconds()
	t.Logf("%s over %d shards, %d goroutines: %d transfers in %v (%.0f/s), %d declined for funds, %d retried after a lock conflict (at most %d attempts for one transfer)",
		mode, len(shards), bankWorkers, transfers.Load(), d, float64(transfers.Load())/secs, declined.Load(), retries.Load(), mostAttempts.Load())

	var total, ledgerRows int64
	if err := db.QueryRow("SELECT SUM(balance) FROM accounts").Scan(&total); err != nil {
		t.Fatal(err)
	}
	if want := int64(len(accounts) * bankOpening); total != want {
		t.Errorf("total balance %d, want %d", total, want)
	}
	if err := db.QueryRow("SELECT COUNT(*) FROM ledger").Scan(&ledgerRows); err != nil {
		t.Fatal(err)
	}
	if ledgerRows != transfers.Load() {
		t.Errorf("%d ledger rows for %d committed transfers", ledgerRows, transfers.Load())
	}
	balances := map[int64]int64{}
	for _, a := range accounts {
		balances[a.id] = bankOpening
	}
	rows, err := db.Query("SELECT account_id, to_id, amount FROM ledger")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var from, to, amount int64
		rows.Scan(&from, &to, &amount)
		balances[from] -= amount
		balances[to] += amount
	}
	rows.Close()
	rows, err = db.Query("SELECT id, balance FROM accounts")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, balance int64
		rows.Scan(&id, &balance)
		if balance != balances[id] {
			t.Errorf("account %d: balance %d, the ledger says %d", id, balance, balances[id])
		}
		if balance < 0 {
			t.Errorf("account %d is overdrawn: %d", id, balance)
		}
	}
	rows.Close()
	if e.name == "postgres" {
		if left := env.prepared(t); len(left) != 0 {
			t.Errorf("prepared transactions left: %v", left)
		}
		if rec := recoverNow(t, c); len(rec.Committed)+len(rec.RolledBack) != 0 {
			t.Errorf("recovery found work after clean commits: %+v", rec)
		}
	}
}

// openAccounts creates bankAccountsByShard accounts on every shard.
func openAccounts(t *testing.T, db *sql.DB) []bankAccount {
	t.Helper()
	index := map[string]int{"bank/-40": 0, "bank/40-80": 1, "bank/80-c0": 2, "bank/c0-": 3}
	perShard := map[int]int{}
	var accounts []bankAccount
	for id := int64(1); len(accounts) < 4*bankAccountsByShard; id++ {
		got := explain(t, db, "SELECT id FROM accounts WHERE id = ?", id)
		s := index[got[0]]
		if perShard[s] == bankAccountsByShard {
			continue
		}
		perShard[s]++
		accounts = append(accounts, bankAccount{id: id, shard: s})
		mustExec(t, db, "INSERT INTO accounts (id, balance) VALUES (?, ?)", id, bankOpening)
	}
	return accounts
}

// pickPair picks two accounts on different shards.
func pickPair(rng *rand.Rand, accounts []bankAccount) (bankAccount, bankAccount) {
	for {
		a, b := accounts[rng.IntN(len(accounts))], accounts[rng.IntN(len(accounts))]
		if a.shard != b.shard {
			return a, b
		}
	}
}

// transfer moves amount from one account to the other in a transaction,
// with a ledger row on the debited account's shard. It reports false when
// the debited account lacks the funds (the transaction is rolled back).
func transfer(db *sql.DB, id int64, from, to bankAccount, amount int64, ordered bool, rng *rand.Rand) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	debit := func() (bool, error) {
		res, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?", amount, from.id, amount)
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		return n == 1, err
	}
	credit := func() error {
		_, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to.id)
		return err
	}
	creditFirst := rng.IntN(2) == 0
	if ordered {
		creditFirst = to.shard < from.shard
	}
	if creditFirst {
		if err := credit(); err != nil {
			return false, err
		}
	}
	funded, err := debit()
	if err != nil || !funded {
		return false, err
	}
	if !creditFirst {
		if err := credit(); err != nil {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO ledger (transfer_id, account_id, to_id, amount) VALUES (?, ?, ?, ?)", id, from.id, to.id, amount); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// retryable reports the lock conflicts a transfer retries: the deadlock
// detector's, PostgreSQL's deadlock and serialization failures, SQLite's
// busy file.
func retryable(err error) bool {
	if errors.Is(err, vitessdo.ErrDeadlock) {
		return true
	}
	s := err.Error()
	for _, m := range []string{"SQLSTATE 40P01", "SQLSTATE 40001", "SQLITE_BUSY", "database is locked"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// summarize counts identical failures.
func summarize(failures []string) []string {
	n := map[string]int{}
	for _, f := range failures {
		n[f]++
	}
	var out []string
	for f, c := range n {
		out = append(out, f+" (×"+itoa(c)+")")
	}
	sort.Strings(out)
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
