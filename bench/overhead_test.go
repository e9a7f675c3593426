package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// The per-statement overhead of routing: each benchmark runs one kind of
// statement through vitessdo over 4 SQLite shards and on one SQLite
// database with the same rows (see pair_test.go for how they alternate
// and what they report, README.md for the figures).

func main4(b *testing.B) *fixture { return sqliteFixture(b, 4, *overheadRows) }

// bg is the context of most benchmarks; cancellable is a caller's
// context that can end, as a server's request context.
var bg = context.Background()

func cancellable(b *testing.B) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	return ctx
}

// itemID returns the id operation i reads: spread over the table.
func itemID(f *fixture, i int) int64 {
	return int64(uint64(i+1_000_000)*7919%uint64(f.rows)) + 1
}

type item struct {
	name string
	qty  int64
}

const pointQuery = "SELECT name, qty FROM items WHERE id = ?"

func pointSelect(ctx context.Context, f *fixture) op {
	return func(side, i int) (any, error) {
		var it item
		err := f.db(side).QueryRowContext(ctx, pointQuery, itemID(f, i)).Scan(&it.name, &it.qty)
		return it, err
	}
}

// pgQuery rewrites ? placeholders to $n for the plain PostgreSQL side.
func pgQuery(q string) string {
	var sb strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&sb, "$%d", n)
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// queries returns the statement text for vitessdo (side 0) and for the
// plain database (side 1) of the fixture's engine.
func queries(f *fixture, q string) [2]string {
	if f.engine == "postgres" {
		return [2]string{q, pgQuery(q)}
	}
	return [2]string{q, q}
}

func pointSelectOn(ctx context.Context, f *fixture) op {
	q := queries(f, pointQuery)
	return func(side, i int) (any, error) {
		var it item
		err := f.db(side).QueryRowContext(ctx, q[side], itemID(f, i)).Scan(&it.name, &it.qty)
		return it, err
	}
}

func preparedPointSelect(b *testing.B, ctx context.Context, f *fixture) op {
	q := queries(f, pointQuery)
	var stmts [2]*sql.Stmt
	for side := range 2 {
		st, err := f.db(side).PrepareContext(ctx, q[side])
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		stmts[side] = st
	}
	return func(side, i int) (any, error) {
		var it item
		err := stmts[side].QueryRowContext(ctx, itemID(f, i)).Scan(&it.name, &it.qty)
		return it, err
	}
}

// emptyEvents empties the events table on both sides.
func emptyEvents(b *testing.B, f *fixture) {
	for side := range 2 {
		if _, err := f.db(side).Exec("DELETE FROM events"); err != nil {
			b.Fatal(err)
		}
	}
}

const insertQuery = "INSERT INTO events (id, grp, name, qty, price, k) VALUES (?, ?, ?, ?, ?, ?)"

func insertOne(b *testing.B, ctx context.Context, f *fixture) op {
	emptyEvents(b, f)
	q := queries(f, insertQuery)
	return func(side, i int) (any, error) {
		res, err := f.db(side).ExecContext(ctx, q[side], itemRow(int64(i)+1_000_000)...)
		if err != nil {
			return nil, err
		}
		return res.RowsAffected()
	}
}

const updateQuery = "UPDATE items SET qty = ? WHERE id = ?"

// update writes the value the row already holds, so the rows stay as
// built however often it runs.
func update(ctx context.Context, f *fixture) op {
	q := queries(f, updateQuery)
	return func(side, i int) (any, error) {
		id := itemID(f, i)
		res, err := f.db(side).ExecContext(ctx, q[side], itemRow(id)[3], id)
		if err != nil {
			return nil, err
		}
		return res.RowsAffected()
	}
}

// txUpdate is update in a transaction: BEGIN, UPDATE, COMMIT, as an ORM
// wraps every write.
func txUpdate(ctx context.Context, f *fixture) op {
	q := queries(f, updateQuery)
	return func(side, i int) (any, error) {
		id := itemID(f, i)
		tx, err := f.db(side).BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		res, err := tx.ExecContext(ctx, q[side], itemRow(id)[3], id)
		if err != nil {
			tx.Rollback()
			return nil, err
		}
		if err := tx.Commit(); err != nil {
			return nil, err
		}
		return res.RowsAffected()
	}
}

// insertMany inserts 100 new events a statement, ids consecutive, so the
// rows of one statement spread over every shard.
func insertMany(b *testing.B, ctx context.Context, f *fixture) op {
	emptyEvents(b, f)
	const per = 100
	q := queries(f, "INSERT INTO events (id, grp, name, qty, price, k) VALUES "+strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", per), ", "))
	return func(side, i int) (any, error) {
		args := make([]any, 0, 6*per)
		for j := range per {
			args = append(args, itemRow(int64(i+1_000_000)*per+int64(j))...)
		}
		res, err := f.db(side).ExecContext(ctx, q[side], args...)
		if err != nil {
			return nil, err
		}
		return res.RowsAffected()
	}
}

// rangeAnswer is what a multi-row read returned, independent of order.
type rangeAnswer struct {
	rows   int
	idSum  int64
	qtySum int64
}

func readRange(rows *sql.Rows, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var a rangeAnswer
	var name string
	for rows.Next() {
		var id, qty int64
		if err := rows.Scan(&id, &name, &qty); err != nil {
			return nil, err
		}
		a.rows++
		a.idSum += id
		a.qtySum += qty
	}
	return a, rows.Err()
}

// rangeScatter reads 100 rows by a range of k, which no vindex covers:
// every shard runs it.
func rangeScatter(ctx context.Context, f *fixture) op {
	q := queries(f, "SELECT id, name, qty FROM items WHERE k BETWEEN ? AND ?")
	return func(side, i int) (any, error) {
		lo := itemID(f, i) % int64(f.rows-100)
		return readRange(f.db(side).QueryContext(ctx, q[side], lo, lo+99))
	}
}

// scatterCount counts the small table's rows: 100 a shard, so the cost
// is the fan-out and the merge.
func scatterCount(ctx context.Context, f *fixture) op {
	return func(side, i int) (any, error) {
		var n int64
		err := f.db(side).QueryRowContext(ctx, "SELECT COUNT(*) FROM small").Scan(&n)
		return n, err
	}
}

// emptyScatter reads no row from every shard: pure fan-out.
func emptyScatter(ctx context.Context, f *fixture) op {
	return func(side, i int) (any, error) {
		return readRange(f.db(side).QueryContext(ctx, "SELECT id, id, qty FROM small WHERE id < 0"))
	}
}

// Item is the GORM model of the items table.
type Item struct {
	ID    int64 `gorm:"primaryKey"`
	Grp   string
	Name  string
	Qty   int64
	Price string
	K     int64
}

// gormPointSelect is db.First(&item, id) through GORM's MySQL dialector on
// both sides (SQLite reads its backtick quoting).
func gormPointSelect(b *testing.B, f *fixture) op {
	var dbs [2]*gorm.DB
	for side := range 2 {
		g, err := gorm.Open(mysql.New(mysql.Config{Conn: f.db(side), SkipInitializeWithVersion: true}), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			b.Fatal(err)
		}
		dbs[side] = g
	}
	return func(side, i int) (any, error) {
		var it Item
		err := dbs[side].First(&it, itemID(f, i)).Error
		return it, err
	}
}

func BenchmarkPointSelect1(b *testing.B) { f := main4(b); pair(b, pairConfig{}, pointSelect(bg, f)) }

func BenchmarkPointSelect1Cancellable(b *testing.B) {
	f := main4(b)
	pair(b, pairConfig{}, pointSelect(cancellable(b), f))
}

func BenchmarkPointSelect4(b *testing.B) {
	f := main4(b)
	pair(b, pairConfig{par: 4, round: 400}, pointSelect(bg, f))
}

func BenchmarkPreparedPointSelect(b *testing.B) {
	f := main4(b)
	pair(b, pairConfig{}, preparedPointSelect(b, bg, f))
}

func BenchmarkInsert(b *testing.B) { f := main4(b); pair(b, pairConfig{}, insertOne(b, bg, f)) }

func BenchmarkUpdate(b *testing.B) { f := main4(b); pair(b, pairConfig{}, update(bg, f)) }

func BenchmarkTxUpdate(b *testing.B) { f := main4(b); pair(b, pairConfig{}, txUpdate(bg, f)) }

func BenchmarkInsert100(b *testing.B) {
	f := main4(b)
	pair(b, pairConfig{round: 10, warm: 5}, insertMany(b, bg, f))
}

func BenchmarkRangeScatter(b *testing.B) { f := main4(b); pair(b, pairConfig{}, rangeScatter(bg, f)) }

func BenchmarkScatterCount(b *testing.B) { f := main4(b); pair(b, pairConfig{}, scatterCount(bg, f)) }

func BenchmarkGormPointSelect(b *testing.B) {
	f := main4(b)
	pair(b, pairConfig{}, gormPointSelect(b, f))
}

// BenchmarkShardStatementFloor is the floor under the point select: the
// same prepared statement straight on the shard that holds the id
// (through database/sql, each shard opened as vitessdo opens one)
// against the single database. Routing adds to the shard side's cost;
// this shows what the shards' statements themselves cost.
func BenchmarkShardStatementFloor(b *testing.B) {
	f := main4(b)
	stmts := make([]*sql.Stmt, f.shards)
	for i, url := range f.shardURLs {
		sh, err := openBackend(url)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { sh.Close() })
		if stmts[i], err = plainDB(sh).Prepare(pointQuery); err != nil {
			b.Fatal(err)
		}
	}
	one, err := f.one.Prepare(pointQuery)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { one.Close() })
	pair(b, pairConfig{}, func(side, i int) (any, error) {
		id := itemID(f, i)
		st := one
		if side == 0 {
			st = stmts[shardOf(id, f.shards)]
		}
		var it item
		err := st.QueryRowContext(bg, id).Scan(&it.name, &it.qty)
		return it, err
	})
}
