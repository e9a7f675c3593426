package dialect

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// RenderDDL renders a DDL statement for the dialect. One MySQL statement
// may need several: CREATE TABLE with secondary indexes is a CREATE TABLE
// and one CREATE INDEX each (neither SQLite nor PostgreSQL declares a
// non-unique index inside CREATE TABLE), and DROP TABLE of several tables
// is one DROP TABLE each (SQLite drops one at a time). The templates have
// no placeholders and run in order.
//
// Index names are per table in MySQL and per schema in SQLite and
// PostgreSQL: the backend name is table_index, lower-cased, shortened
// with a hash past PostgreSQL's 63 bytes.
func RenderDDL(d Dialect, stmt DDLStatement) ([]*Template, error) {
	if !d.valid() {
		return nil, fmt.Errorf("vitessdo: render: unknown dialect %v", d)
	}
	w := &ddlWriter{d: d}
	switch s := stmt.(type) {
	case *CreateTable:
		w.createTable(s)
	case *DropTable:
		for _, t := range s.Tables {
			w.start()
			w.write("DROP TABLE ")
			if s.IfExists {
				w.write("IF EXISTS ")
			}
			w.ident(t)
		}
	case *TruncateTable:
		w.start()
		if d == SQLite {
			w.write("DELETE FROM ")
			w.ident(s.Table)
		} else {
			w.write("TRUNCATE TABLE ")
			w.ident(s.Table)
			w.write(" RESTART IDENTITY")
		}
	case *CreateIndex:
		w.createIndex(s.Table, s.Index, s.IfNotExists)
	case *DropIndex:
		w.start()
		w.write("DROP INDEX ")
		w.ident(indexName(s.Table, s.Name))
	case *AddColumn:
		w.addColumn(s)
	case *DropColumn:
		w.start()
		w.write("ALTER TABLE ")
		w.ident(s.Table)
		w.write(" DROP COLUMN ")
		w.ident(s.Column)
	case *ModifyColumn:
		return nil, unsupported(d, "ALTER TABLE MODIFY COLUMN that changes column "+s.Column.Name.String()+" of "+s.Table)
	case *AddForeignKey:
		if d == SQLite {
			return nil, unsupported(d, "ALTER TABLE ADD FOREIGN KEY")
		}
		w.start()
		w.write("ALTER TABLE ")
		w.ident(s.Table)
		w.write(" ADD ")
		w.foreignKey(s.ForeignKey)
	case nil:
		return nil, fmt.Errorf("vitessdo: render: nil DDL statement")
	default:
		return nil, fmt.Errorf("vitessdo: render: unexpected DDL %T", stmt)
	}
	if w.err != nil {
		return nil, w.err
	}
	out := make([]*Template, len(w.stmts))
	for i, s := range w.stmts {
		out[i] = newTemplate(d, s.String(), nil)
	}
	return out, nil
}

type ddlWriter struct {
	d     Dialect
	stmts []*bytes.Buffer
	err   error
	// comments are the PostgreSQL column comments the statement being
	// written needs after it.
	comments []columnComment
}

// columnComment records a column's MySQL type on PostgreSQL.
type columnComment struct {
	table, column, text string
}

// columnComments writes COMMENT ON COLUMN for the columns written since
// the last call (PostgreSQL only).
func (w *ddlWriter) columnComments() {
	for _, c := range w.comments {
		w.start()
		w.write("COMMENT ON COLUMN ")
		w.ident(c.table)
		w.write(".")
		w.ident(c.column)
		w.write(" IS ")
		if err := writeString(w.cur(), []byte(c.text)); err != nil {
			w.fail(err)
		}
	}
	w.comments = nil
}

func (w *ddlWriter) start()             { w.stmts = append(w.stmts, new(bytes.Buffer)) }
func (w *ddlWriter) cur() *bytes.Buffer { return w.stmts[len(w.stmts)-1] }
func (w *ddlWriter) write(s string)     { w.cur().WriteString(s) }

func (w *ddlWriter) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *ddlWriter) ident(name string) {
	if err := w.d.writeIdent(w.cur(), foldIdent(name)); err != nil {
		w.fail(err)
	}
}

func (w *ddlWriter) identList(names []string) {
	w.write("(")
	for i, n := range names {
		if i > 0 {
			w.write(", ")
		}
		w.ident(n)
	}
	w.write(")")
}

func (w *ddlWriter) createTable(ct *CreateTable) {
	if len(ct.Columns) == 0 {
		w.fail(fmt.Errorf("vitessdo: render: table %s has no columns", ct.Table))
		return
	}
	w.start()
	w.write("CREATE TABLE ")
	if ct.IfNotExists {
		w.write("IF NOT EXISTS ")
	}
	w.ident(ct.Table)
	w.write(" (")
	// On SQLite an AUTO_INCREMENT column must be INTEGER PRIMARY KEY
	// AUTOINCREMENT, declared on the column: the table's key must be it alone.
	inlinePK := ""
	for i, col := range ct.Columns {
		if !col.Type.Autoincrement {
			continue
		}
		if w.d == SQLite && !(len(ct.PrimaryKey) == 1 && strings.EqualFold(ct.PrimaryKey[0], col.Name.String())) {
			w.fail(unsupported(w.d, "AUTO_INCREMENT column "+col.Name.String()+" that is not the whole primary key"))
			return
		}
		if w.d == SQLite {
			inlinePK = ct.Columns[i].Name.String()
		}
	}
	pk := map[string]bool{}
	for _, c := range ct.PrimaryKey {
		pk[strings.ToLower(c)] = true
	}
	for i, col := range ct.Columns {
		if i > 0 {
			w.write(", ")
		}
		w.column(ct.Table, col, pk[col.Name.Lowered()], inlinePK != "" && col.Name.EqualString(inlinePK))
	}
	if len(ct.PrimaryKey) > 0 && inlinePK == "" {
		w.write(", PRIMARY KEY ")
		w.identList(ct.PrimaryKey)
	}
	for _, fk := range ct.ForeignKeys {
		w.write(", ")
		w.foreignKey(fk)
	}
	w.write(")")
	w.columnComments()
	for _, ix := range ct.Indexes {
		w.createIndex(ct.Table, ix, ct.IfNotExists)
	}
}

// column writes one column definition, with its MySQL type recorded
// (see MySQLTypeMarker). DEFAULT CURRENT_TIMESTAMP is UTC on both
// backends; ON UPDATE CURRENT_TIMESTAMP and COMMENT are dropped.
func (w *ddlWriter) column(table string, col *sqlparser.ColumnDefinition, inPK, sqliteAutoPK bool) {
	ct := &col.Type
	typ, text, err := columnType(w.d, ct)
	if err != nil {
		w.fail(err)
		return
	}
	w.ident(col.Name.String())
	w.write(" " + typ)
	if marker := columnMarker(ct); w.d == SQLite {
		if !strings.Contains(marker, "*/") {
			w.write(" /*" + marker + "*/")
		}
	} else {
		w.comments = append(w.comments, columnComment{table: table, column: col.Name.String(), text: marker})
	}
	if text && w.d == PostgreSQL {
		w.write(` COLLATE "C"`)
	}
	if sqliteAutoPK {
		// NULL inserted here takes the next id, as in MySQL.
		w.write(" PRIMARY KEY AUTOINCREMENT")
	}
	// SQLite lets a non-INTEGER primary-key column hold NULL; MySQL does not.
	if !sqliteAutoPK && (bool(ct.NotNull) || inPK && w.d == SQLite) {
		w.write(" NOT NULL")
	}
	if ct.Autoincrement && w.d == PostgreSQL {
		if !isIntegerType(ct.Type) {
			w.fail(unsupported(w.d, "AUTO_INCREMENT on a "+ct.Type+" column"))
			return
		}
		w.write(" GENERATED BY DEFAULT AS IDENTITY")
	}
	if ct.Default != nil {
		w.write(" DEFAULT ")
		w.defaultValue(ct.Default)
	}
	if strings.EqualFold(ct.Type, "enum") {
		w.write(" CHECK (")
		w.ident(col.Name.String())
		w.write(" IN (")
		for i, v := range ct.EnumValues {
			if i > 0 {
				w.write(", ")
			}
			v = strings.TrimSuffix(strings.TrimPrefix(v, "'"), "'")
			if err := writeString(w.cur(), []byte(v)); err != nil {
				w.fail(err)
			}
		}
		w.write("))")
	}
}

func (w *ddlWriter) defaultValue(v *sqlparser.SQLVal) {
	switch v.Type {
	case sqlparser.StrVal:
		if err := writeString(w.cur(), v.Val); err != nil {
			w.fail(err)
		}
	case sqlparser.IntVal, sqlparser.FloatVal:
		if !isNumber(v.Val) {
			w.fail(fmt.Errorf("vitessdo: render: malformed DEFAULT %q", v.Val))
			return
		}
		w.write(string(v.Val))
	case sqlparser.ValArg:
		switch strings.ToLower(string(v.Val)) {
		case "null":
			w.write("NULL")
		case "current_timestamp":
			w.write(pickType(w.d, "CURRENT_TIMESTAMP", "(date_trunc('second', now() AT TIME ZONE 'UTC'))"))
		default:
			w.fail(unsupported(w.d, "DEFAULT "+string(v.Val)))
		}
	case sqlparser.HexVal, sqlparser.HexNum:
		digits := strings.TrimPrefix(strings.TrimPrefix(string(v.Val), "0x"), "0X")
		if len(digits)%2 == 1 {
			digits = "0" + digits
		}
		b, err := hex.DecodeString(digits)
		if err != nil {
			w.fail(fmt.Errorf("vitessdo: render: malformed DEFAULT %q", v.Val))
			return
		}
		if w.d == PostgreSQL {
			w.write("(")
			w.d.writeBytes(w.cur(), b)
			w.write(")")
		} else {
			w.d.writeBytes(w.cur(), b)
		}
	case sqlparser.BitVal:
		b, ok := bitsToBytes(string(v.Val))
		if !ok || len(b) > 8 {
			w.fail(fmt.Errorf("vitessdo: render: malformed DEFAULT b'%s'", v.Val))
			return
		}
		var n uint64
		for _, c := range b {
			n = n<<8 | uint64(c)
		}
		w.write(fmt.Sprint(n))
	default:
		w.fail(unsupported(w.d, "DEFAULT of this kind"))
	}
}

func (w *ddlWriter) foreignKey(fk *ForeignKey) {
	if fk.Name != "" {
		w.write("CONSTRAINT ")
		w.ident(fk.Name)
		w.write(" ")
	}
	w.write("FOREIGN KEY ")
	w.identList(fk.Columns)
	w.write(" REFERENCES ")
	w.ident(fk.RefTable)
	w.write(" ")
	w.identList(fk.RefColumns)
	for _, a := range []struct{ on, action string }{{"DELETE", fk.OnDelete}, {"UPDATE", fk.OnUpdate}} {
		switch a.action {
		case "":
		case "CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT", "NO ACTION":
			w.write(" ON " + a.on + " " + a.action)
		default:
			w.fail(fmt.Errorf("vitessdo: render: bad referential action %q", a.action))
		}
	}
}

func (w *ddlWriter) createIndex(table string, ix *Index, ifNotExists bool) {
	if ix == nil || len(ix.Columns) == 0 {
		w.fail(fmt.Errorf("vitessdo: render: index without columns on %s", table))
		return
	}
	if err := checkIndex(ix); err != nil {
		w.fail(err)
		return
	}
	w.start()
	w.write("CREATE ")
	if ix.Unique {
		w.write("UNIQUE ")
	}
	w.write("INDEX ")
	if ifNotExists {
		w.write("IF NOT EXISTS ")
	}
	w.ident(indexName(table, ix.Name))
	w.write(" ON ")
	w.ident(table)
	w.write(" (")
	for i, c := range ix.Columns {
		if i > 0 {
			w.write(", ")
		}
		w.ident(c.Name)
		if c.Desc {
			w.write(" DESC")
		}
	}
	w.write(")")
}

func (w *ddlWriter) addColumn(ac *AddColumn) {
	if ac.Column == nil {
		w.fail(fmt.Errorf("vitessdo: render: ADD COLUMN without a column"))
		return
	}
	if ac.Column.Type.Autoincrement && w.d == SQLite {
		w.fail(unsupported(w.d, "ALTER TABLE ADD of an AUTO_INCREMENT column"))
		return
	}
	w.start()
	w.write("ALTER TABLE ")
	w.ident(ac.Table)
	w.write(" ADD COLUMN ")
	w.column(ac.Table, ac.Column, false, false)
	w.columnComments()
	if ac.Index != nil {
		w.createIndex(ac.Table, ac.Index, false)
	}
}

// indexName is the backend name of a table's index: table_index,
// lower-cased; past 63 bytes (PostgreSQL truncates longer names, which
// could make two collide) a prefix and a hash of the whole.
func indexName(table, index string) string {
	name := foldIdent(table) + "_" + foldIdent(index)
	if len(name) <= 63 {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	prefix := name[:54]
	for len(prefix) > 0 && prefix[len(prefix)-1]&0xC0 == 0x80 {
		prefix = prefix[:len(prefix)-1]
	}
	if len(prefix) > 0 && prefix[len(prefix)-1] >= 0xC0 {
		prefix = prefix[:len(prefix)-1]
	}
	return prefix + "_" + hex.EncodeToString(sum[:4])
}
