package shard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// ParseDDL recognises the MySQL DDL that vitessdo renders:
//
//	CREATE TABLE [IF NOT EXISTS] t (coldef | [CONSTRAINT [n]] PRIMARY KEY (…) |
//	    [CONSTRAINT [n]] UNIQUE [KEY|INDEX] [n] (…) | {KEY|INDEX} [n] (…) |
//	    [CONSTRAINT [n]] FOREIGN KEY [n] (…) REFERENCES t (…) [ON DELETE a] [ON UPDATE a], …) [options]
//	DROP TABLE [IF EXISTS] t [, t…]
//	TRUNCATE [TABLE] t
//	CREATE [UNIQUE] INDEX [IF NOT EXISTS] n ON t (col [(len)] [ASC|DESC], …)
//	DROP INDEX n ON t
//	ALTER TABLE t ADD [COLUMN] coldef [FIRST | AFTER c]
//	ALTER TABLE t DROP [COLUMN] c
//	ALTER TABLE t ADD {INDEX|KEY} [n] (…) | ADD [CONSTRAINT [n]] UNIQUE [INDEX|KEY] [n] (…)
//	ALTER TABLE t DROP {INDEX|KEY} n
//	ALTER TABLE t ADD [CONSTRAINT [n]] FOREIGN KEY …
//
// Table-level clauses are read here; each column definition is read by
// the pinned parser (ParseStrictDDL on a one-table statement), with its
// options (NULL, DEFAULT, AUTO_INCREMENT, keys, COMMENT…) accepted in any
// order. Table options (ENGINE, CHARSET…), COMMENT, index options and ON
// UPDATE CURRENT_TIMESTAMP are dropped. Anything else is an error.
func ParseDDL(sql string) (DDLStatement, error) {
	toks, err := lexDDL(sql)
	if err != nil {
		return nil, err
	}
	for len(toks) > 1 && toks[len(toks)-2].text == ";" {
		toks = append(toks[:len(toks)-2], toks[len(toks)-1])
	}
	p := &ddlParser{src: sql, toks: toks}
	stmt, err := p.statement()
	if err != nil {
		return nil, err
	}
	if !p.at(tokEOF) {
		return nil, p.errorf("unexpected %q", p.peek().text)
	}
	return stmt, nil
}

type ddlParser struct {
	src  string
	toks []token
	i    int
}

func (p *ddlParser) errorf(format string, args ...any) error {
	return fmt.Errorf("vitessdo: ddl: "+format, args...)
}

func (p *ddlParser) unsupportedf(format string, args ...any) error {
	return fmt.Errorf("vitessdo: ddl: unsupported: "+format, args...)
}

func (p *ddlParser) peek() token        { return p.toks[p.i] }
func (p *ddlParser) peekAt(n int) token { return p.toks[min(p.i+n, len(p.toks)-1)] }
func (p *ddlParser) at(k tokKind) bool  { return p.peek().kind == k }
func (p *ddlParser) next() token        { t := p.toks[p.i]; p.i = min(p.i+1, len(p.toks)-1); return t }
func isKw(t token, words ...string) bool {
	if t.kind != tokWord {
		return false
	}
	for _, w := range words {
		if strings.EqualFold(t.text, w) {
			return true
		}
	}
	return false
}

// kw reports whether the next tokens are the words, consuming them if so.
func (p *ddlParser) kw(words ...string) bool {
	for n, w := range words {
		if !isKw(p.peekAt(n), w) {
			return false
		}
	}
	p.i += len(words)
	return true
}

func (p *ddlParser) expectKw(words ...string) error {
	if !p.kw(words...) {
		return p.errorf("expected %s near %q", strings.ToUpper(strings.Join(words, " ")), p.peek().text)
	}
	return nil
}

func (p *ddlParser) punct(s string) bool {
	if t := p.peek(); t.kind == tokPunct && t.text == s {
		p.i++
		return true
	}
	return false
}

func (p *ddlParser) expectPunct(s string) error {
	if !p.punct(s) {
		return p.errorf("expected %q near %q", s, p.peek().text)
	}
	return nil
}

// name reads an identifier: a word or a `quoted name`.
func (p *ddlParser) name() (string, error) {
	t := p.peek()
	if t.kind == tokQuoted && t.val != "" || t.kind == tokWord {
		p.i++
		return t.val, nil
	}
	return "", p.errorf("expected a name near %q", t.text)
}

// tableRef reads [db.]table and returns the table name: the router has
// already resolved keyspace qualifiers.
func (p *ddlParser) tableRef() (string, error) {
	name, err := p.name()
	if err != nil {
		return "", err
	}
	if p.punct(".") {
		return p.name()
	}
	return name, nil
}

func (p *ddlParser) statement() (DDLStatement, error) {
	switch {
	case p.kw("create", "table"):
		return p.createTable()
	case p.kw("create", "unique", "index"):
		return p.createIndex(true)
	case p.kw("create", "index"):
		return p.createIndex(false)
	case p.kw("drop", "table"):
		return p.dropTable()
	case p.kw("drop", "index"):
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("on"); err != nil {
			return nil, err
		}
		table, err := p.tableRef()
		if err != nil {
			return nil, err
		}
		p.skipAlterOptions()
		return &DropIndex{Table: table, Name: name}, nil
	case p.kw("truncate"):
		p.kw("table")
		table, err := p.tableRef()
		if err != nil {
			return nil, err
		}
		return &TruncateTable{Table: table}, nil
	case p.kw("alter", "table"):
		return p.alterTable()
	}
	return nil, p.unsupportedf("DDL statement %q", strings.TrimSpace(p.src))
}

// skipAlterOptions skips MySQL's online-DDL options (ALGORITHM=…, LOCK=…).
func (p *ddlParser) skipAlterOptions() {
	for isKw(p.peek(), "algorithm", "lock") {
		p.next()
		p.punct("=")
		p.next()
	}
}

func (p *ddlParser) createTable() (DDLStatement, error) {
	ct := &CreateTable{}
	ct.IfNotExists = p.kw("if", "not", "exists")
	var err error
	if ct.Table, err = p.tableRef(); err != nil {
		return nil, err
	}
	if isKw(p.peek(), "like", "as", "select") {
		return nil, p.unsupportedf("CREATE TABLE … %s", strings.ToUpper(p.peek().text))
	}
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	var defs []columnSource
	for {
		if err := p.tableElement(ct, &defs); err != nil {
			return nil, err
		}
		if p.punct(",") {
			continue
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		break
	}
	// Table options: ENGINE=…, DEFAULT CHARSET=…, COMMENT='…', and so on.
	for !p.at(tokEOF) {
		if t := p.peek(); t.kind == tokPunct && t.text != "=" && t.text != "," {
			return nil, p.errorf("unexpected %q in table options", t.text)
		}
		p.i++
	}
	cols, err := parseColumns(defs)
	if err != nil {
		return nil, err
	}
	ct.Columns = cols
	for i, d := range defs {
		switch d.key {
		case keyPrimary:
			if len(ct.PrimaryKey) > 0 {
				return nil, p.errorf("multiple primary keys in %s", ct.Table)
			}
			ct.PrimaryKey = []string{cols[i].Name.String()}
		case keyUnique, keyIndex:
			ct.Indexes = append(ct.Indexes, &Index{Unique: d.key == keyUnique, Columns: []IndexColumn{{Name: cols[i].Name.String()}}})
		}
	}
	nameIndexes(ct.Indexes)
	return ct, nil
}

// nameIndexes gives unnamed indexes MySQL's name: their first column,
// with _2, _3… on a clash.
func nameIndexes(indexes []*Index) {
	used := map[string]bool{}
	for _, ix := range indexes {
		if ix.Name != "" {
			used[strings.ToLower(ix.Name)] = true
		}
	}
	for _, ix := range indexes {
		if ix.Name != "" {
			continue
		}
		base := ix.Columns[0].Name
		name := base
		for n := 2; used[strings.ToLower(name)]; n++ {
			name = base + "_" + strconv.Itoa(n)
		}
		used[strings.ToLower(name)] = true
		ix.Name = name
	}
}

// tableElement reads one element of CREATE TABLE's list.
func (p *ddlParser) tableElement(ct *CreateTable, defs *[]columnSource) error {
	constraint, hasConstraint := "", false
	if p.kw("constraint") {
		hasConstraint = true
		if !isKw(p.peek(), "primary", "unique", "foreign", "check") {
			n, err := p.name()
			if err != nil {
				return err
			}
			constraint = n
		}
	}
	switch {
	case p.kw("primary", "key"):
		if len(ct.PrimaryKey) > 0 {
			return p.errorf("multiple primary keys in %s", ct.Table)
		}
		p.skipIndexType()
		cols, err := p.indexColumns()
		if err != nil {
			return err
		}
		for _, c := range cols {
			ct.PrimaryKey = append(ct.PrimaryKey, c.Name)
		}
		p.skipIndexOptions()
		return nil
	case p.kw("unique"):
		ix, err := p.indexDefinition(true, constraint)
		if err != nil {
			return err
		}
		ct.Indexes = append(ct.Indexes, ix)
		return nil
	case p.kw("foreign", "key"):
		fk, err := p.foreignKey(constraint)
		if err != nil {
			return err
		}
		ct.ForeignKeys = append(ct.ForeignKeys, fk)
		return nil
	case isKw(p.peek(), "check"):
		return p.unsupportedf("CHECK constraints")
	case hasConstraint:
		return p.errorf("expected PRIMARY KEY, UNIQUE or FOREIGN KEY after CONSTRAINT")
	case isKw(p.peek(), "fulltext", "spatial"):
		return p.unsupportedf("%s indexes", strings.ToUpper(p.peek().text))
	case isKw(p.peek(), "key", "index"):
		p.i++
		ix, err := p.indexDefinition(false, "")
		if err != nil {
			return err
		}
		ct.Indexes = append(ct.Indexes, ix)
		return nil
	}
	def, err := p.columnDefinition()
	if err != nil {
		return err
	}
	*defs = append(*defs, def)
	return nil
}

// indexDefinition reads [INDEX|KEY] [name] [USING x] (cols) [options],
// after UNIQUE or after INDEX/KEY.
func (p *ddlParser) indexDefinition(unique bool, name string) (*Index, error) {
	if unique {
		p.kw("index")
		p.kw("key")
	}
	if !(p.peek().kind == tokPunct && p.peek().text == "(") && !isKw(p.peek(), "using") {
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		name = n
	}
	p.skipIndexType()
	cols, err := p.indexColumns()
	if err != nil {
		return nil, err
	}
	p.skipIndexOptions()
	ix := &Index{Name: name, Unique: unique, Columns: cols}
	return ix, checkIndex(ix)
}

func checkIndex(ix *Index) error {
	for _, c := range ix.Columns {
		if ix.Unique && c.Prefix > 0 {
			return fmt.Errorf("vitessdo: ddl: unsupported: unique index %s on a prefix of %s", ix.Name, c.Name)
		}
	}
	return nil
}

func (p *ddlParser) skipIndexType() {
	if p.kw("using") {
		p.next()
	}
}

func (p *ddlParser) skipIndexOptions() {
	for {
		switch {
		case isKw(p.peek(), "using", "comment"):
			p.next()
			p.next()
		case isKw(p.peek(), "key_block_size"):
			p.next()
			p.punct("=")
			p.next()
		case isKw(p.peek(), "visible", "invisible"):
			p.next()
		default:
			return
		}
	}
}

// indexColumns reads (col [(len)] [ASC|DESC], …).
func (p *ddlParser) indexColumns() ([]IndexColumn, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	var cols []IndexColumn
	for {
		if p.peek().kind == tokPunct && p.peek().text == "(" {
			return nil, p.unsupportedf("functional index parts")
		}
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		c := IndexColumn{Name: n}
		if p.punct("(") {
			t := p.next()
			l, err := strconv.Atoi(t.text)
			if err != nil || t.kind != tokNumber {
				return nil, p.errorf("bad index prefix length %q", t.text)
			}
			c.Prefix = l
			if err := p.expectPunct(")"); err != nil {
				return nil, err
			}
		}
		if p.kw("desc") {
			c.Desc = true
		} else {
			p.kw("asc")
		}
		cols = append(cols, c)
		if p.punct(",") {
			continue
		}
		return cols, p.expectPunct(")")
	}
}

func (p *ddlParser) nameList() ([]string, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	var names []string
	for {
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		names = append(names, n)
		if p.punct(",") {
			continue
		}
		return names, p.expectPunct(")")
	}
}

// foreignKey reads the rest of FOREIGN KEY [name] (…) REFERENCES t (…) ….
func (p *ddlParser) foreignKey(name string) (*ForeignKey, error) {
	if !(p.peek().kind == tokPunct && p.peek().text == "(") {
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		if name == "" {
			name = n
		}
	}
	fk := &ForeignKey{Name: name}
	var err error
	if fk.Columns, err = p.nameList(); err != nil {
		return nil, err
	}
	if err := p.expectKw("references"); err != nil {
		return nil, err
	}
	if fk.RefTable, err = p.tableRef(); err != nil {
		return nil, err
	}
	if fk.RefColumns, err = p.nameList(); err != nil {
		return nil, err
	}
	if len(fk.RefColumns) != len(fk.Columns) {
		return nil, p.errorf("foreign key %s: %d columns reference %d", name, len(fk.Columns), len(fk.RefColumns))
	}
	for {
		switch {
		case p.kw("match"):
			return nil, p.unsupportedf("FOREIGN KEY … MATCH")
		case p.kw("on", "delete"):
			if fk.OnDelete, err = p.referenceAction(); err != nil {
				return nil, err
			}
		case p.kw("on", "update"):
			if fk.OnUpdate, err = p.referenceAction(); err != nil {
				return nil, err
			}
		default:
			return fk, nil
		}
	}
}

func (p *ddlParser) referenceAction() (string, error) {
	for _, a := range [][]string{{"cascade"}, {"restrict"}, {"set", "null"}, {"set", "default"}, {"no", "action"}} {
		if p.kw(a...) {
			return strings.ToUpper(strings.Join(a, " ")), nil
		}
	}
	return "", p.errorf("bad referential action near %q", p.peek().text)
}

func (p *ddlParser) createIndex(unique bool) (DDLStatement, error) {
	ci := &CreateIndex{IfNotExists: p.kw("if", "not", "exists")}
	name, err := p.name()
	if err != nil {
		return nil, err
	}
	p.skipIndexType()
	if err := p.expectKw("on"); err != nil {
		return nil, err
	}
	if ci.Table, err = p.tableRef(); err != nil {
		return nil, err
	}
	cols, err := p.indexColumns()
	if err != nil {
		return nil, err
	}
	p.skipIndexOptions()
	p.skipAlterOptions()
	ci.Index = &Index{Name: name, Unique: unique, Columns: cols}
	return ci, checkIndex(ci.Index)
}

func (p *ddlParser) dropTable() (DDLStatement, error) {
	dt := &DropTable{IfExists: p.kw("if", "exists")}
	for {
		t, err := p.tableRef()
		if err != nil {
			return nil, err
		}
		dt.Tables = append(dt.Tables, t)
		if !p.punct(",") {
			break
		}
	}
	p.kw("restrict")
	p.kw("cascade")
	return dt, nil
}

func (p *ddlParser) alterTable() (DDLStatement, error) {
	table, err := p.tableRef()
	if err != nil {
		return nil, err
	}
	stmt, err := p.alterSpec(table)
	if err != nil {
		return nil, err
	}
	if p.punct(",") {
		return nil, p.unsupportedf("several operations in one ALTER TABLE")
	}
	p.skipAlterOptions()
	return stmt, nil
}

func (p *ddlParser) alterSpec(table string) (DDLStatement, error) {
	switch {
	case p.kw("add"):
		constraint := ""
		if p.kw("constraint") {
			if !isKw(p.peek(), "primary", "unique", "foreign", "check") {
				n, err := p.name()
				if err != nil {
					return nil, err
				}
				constraint = n
			}
		}
		switch {
		case p.kw("foreign", "key"):
			fk, err := p.foreignKey(constraint)
			if err != nil {
				return nil, err
			}
			return &AddForeignKey{Table: table, ForeignKey: fk}, nil
		case p.kw("unique"):
			ix, err := p.indexDefinition(true, constraint)
			if err != nil {
				return nil, err
			}
			nameIndexes([]*Index{ix})
			return &CreateIndex{Table: table, Index: ix}, nil
		case constraint != "" || isKw(p.peek(), "primary", "check", "fulltext", "spatial"):
			return nil, p.unsupportedf("ALTER TABLE ADD %s", strings.ToUpper(p.peek().text))
		case isKw(p.peek(), "index", "key"):
			p.i++
			ix, err := p.indexDefinition(false, "")
			if err != nil {
				return nil, err
			}
			nameIndexes([]*Index{ix})
			return &CreateIndex{Table: table, Index: ix}, nil
		}
		p.kw("column")
		if p.peek().kind == tokPunct && p.peek().text == "(" {
			return nil, p.unsupportedf("ALTER TABLE ADD of several columns")
		}
		def, err := p.columnDefinition()
		if err != nil {
			return nil, err
		}
		cols, err := parseColumns([]columnSource{def})
		if err != nil {
			return nil, err
		}
		ac := &AddColumn{Table: table, Column: cols[0]}
		switch def.key {
		case keyPrimary:
			return nil, p.unsupportedf("ALTER TABLE ADD of a PRIMARY KEY column")
		case keyUnique, keyIndex:
			ac.Index = &Index{Unique: def.key == keyUnique, Columns: []IndexColumn{{Name: def.name}}}
			nameIndexes([]*Index{ac.Index})
		}
		return ac, nil
	case p.kw("drop"):
		switch {
		case isKw(p.peek(), "index", "key"):
			p.i++
			name, err := p.name()
			if err != nil {
				return nil, err
			}
			return &DropIndex{Table: table, Name: name}, nil
		case isKw(p.peek(), "primary", "foreign", "check", "constraint"):
			return nil, p.unsupportedf("ALTER TABLE DROP %s", strings.ToUpper(p.peek().text))
		}
		p.kw("column")
		col, err := p.name()
		if err != nil {
			return nil, err
		}
		return &DropColumn{Table: table, Column: col}, nil
	}
	return nil, p.unsupportedf("ALTER TABLE %s", strings.ToUpper(p.peek().text))
}

// Column definitions.

type keyOption int

const (
	keyNone keyOption = iota
	keyPrimary
	keyUnique
	keyIndex
)

// columnSource is one column definition taken apart: the type text that
// the pinned parser reads, and the options read here.
type columnSource struct {
	name     string
	typeText string
	notNull  bool
	autoInc  bool
	deflt    *sqlparser.SQLVal
	key      keyOption
}

// columnDefinition reads name type [options…] up to the next top-level
// ',' or ')'.
func (p *ddlParser) columnDefinition() (columnSource, error) {
	var c columnSource
	var err error
	if c.name, err = p.name(); err != nil {
		return c, err
	}
	// The type: everything up to the first option keyword, with
	// CHARACTER SET / COLLATE (part of the type for the parser).
	start := p.i
	depth := 0
	for {
		t := p.peek()
		if t.kind == tokEOF {
			return c, p.errorf("unterminated column definition %s", c.name)
		}
		if t.kind == tokPunct && t.text == "(" {
			depth++
		} else if t.kind == tokPunct && t.text == ")" {
			if depth == 0 {
				break
			}
			depth--
		} else if depth == 0 && (t.kind == tokPunct && t.text == "," || isColumnOption(t)) {
			break
		}
		p.i++
	}
	if p.i == start {
		return c, p.errorf("column %s has no type", c.name)
	}
	c.typeText = typeText(p.src[p.toks[start].pos:p.toks[p.i-1].end], p.toks[start])
	for {
		t := p.peek()
		switch {
		case t.kind == tokEOF, t.kind == tokPunct && (t.text == "," || t.text == ")"):
			return c, nil
		case p.kw("not", "null"):
			c.notNull = true
		case p.kw("null"):
		case p.kw("default"):
			if c.deflt, err = p.defaultValue(); err != nil {
				return c, err
			}
		case p.kw("on", "update"):
			if !p.kw("current_timestamp") && !p.kw("now") {
				return c, p.unsupportedf("ON UPDATE %s", p.peek().text)
			}
			if p.punct("(") {
				for !p.punct(")") && !p.at(tokEOF) {
					p.i++
				}
			}
		case p.kw("auto_increment"):
			c.autoInc = true
		case p.kw("primary", "key"), p.kw("primary"):
			c.key = keyPrimary
		case p.kw("unique"):
			p.kw("key")
			c.key = keyUnique
		case p.kw("key"):
			if c.key == keyNone {
				c.key = keyIndex
			}
		case p.kw("comment"):
			if p.next().kind != tokString {
				return c, p.errorf("COMMENT needs a string")
			}
		case p.kw("collate"), p.kw("charset"), p.kw("character", "set"):
			p.next()
		case p.kw("first"):
		case p.kw("after"):
			if _, err := p.name(); err != nil {
				return c, err
			}
		case p.kw("references"):
			return c, p.unsupportedf("column-level REFERENCES (MySQL ignores it; use a FOREIGN KEY clause)")
		default:
			return c, p.unsupportedf("column option %q", t.text)
		}
	}
}

func isColumnOption(t token) bool {
	return isKw(t, "not", "null", "default", "on", "auto_increment", "primary", "unique", "key",
		"comment", "references", "check", "generated", "as", "invisible", "visible", "storage", "column_format", "srid",
		"first", "after")
}

// typeText returns the type as the pinned parser reads it: BOOL and
// BOOLEAN are MySQL's TINYINT(1), NUMERIC is DECIMAL, DOUBLE PRECISION is
// DOUBLE.
func typeText(text string, first token) string {
	switch strings.ToLower(first.text) {
	case "bool", "boolean":
		return "tinyint(1)" + text[len(first.text):]
	case "numeric", "dec", "fixed":
		return "decimal" + text[len(first.text):]
	case "double":
		rest := strings.TrimSpace(text[len(first.text):])
		if len(rest) >= 9 && strings.EqualFold(rest[:9], "precision") {
			return "double" + rest[9:]
		}
	}
	return text
}

func (p *ddlParser) defaultValue() (*sqlparser.SQLVal, error) {
	t := p.next()
	switch {
	case t.kind == tokString:
		return sqlparser.NewStrVal([]byte(t.val)), nil
	case t.kind == tokNumber || t.kind == tokPunct && t.text == "." || t.kind == tokPunct && (t.text == "-" || t.text == "+"):
		return p.number(t)
	case isKw(t, "null"):
		return sqlparser.NewValArg([]byte("null")), nil
	case isKw(t, "true"):
		return sqlparser.NewIntVal([]byte("1")), nil
	case isKw(t, "false"):
		return sqlparser.NewIntVal([]byte("0")), nil
	case isKw(t, "current_timestamp", "now", "localtimestamp", "localtime"):
		if p.punct("(") {
			for !p.punct(")") {
				if p.at(tokEOF) {
					return nil, p.errorf("unterminated DEFAULT")
				}
				p.i++
			}
		}
		return sqlparser.NewValArg([]byte("current_timestamp")), nil
	case t.kind == tokWord && (t.text[0] == 'x' || t.text[0] == 'X') && len(t.text) == 1 && p.peek().kind == tokString:
		h := p.next().val
		return sqlparser.NewHexVal([]byte(h)), nil
	case t.kind == tokWord && (t.text[0] == 'b' || t.text[0] == 'B') && len(t.text) == 1 && p.peek().kind == tokString:
		return sqlparser.NewBitVal([]byte(p.next().val)), nil
	case t.kind == tokNumber && strings.HasPrefix(strings.ToLower(t.text), "0x"):
		return sqlparser.NewHexNum([]byte(t.text)), nil
	}
	return nil, p.unsupportedf("DEFAULT %s", t.text)
}

// number reads a numeric DEFAULT that the lexer split into pieces
// (-1.5e3 is '-', '1', '.', '5e3').
func (p *ddlParser) number(first token) (*sqlparser.SQLVal, error) {
	start, end := first.pos, first.end
	for {
		t := p.peek()
		if t.pos != end || !(t.kind == tokNumber || t.kind == tokWord || t.kind == tokPunct && (t.text == "." || t.text == "-" || t.text == "+")) {
			break
		}
		end = t.end
		p.i++
	}
	text := p.src[start:end]
	if strings.HasPrefix(text, "+") {
		text = text[1:]
	}
	if _, err := strconv.ParseFloat(text, 64); err != nil || !isNumber([]byte(text)) {
		return nil, p.errorf("bad DEFAULT number %q", text)
	}
	if strings.ContainsAny(text, ".eE") {
		return sqlparser.NewFloatVal([]byte(text)), nil
	}
	return sqlparser.NewIntVal([]byte(text)), nil
}

// parseColumns has the pinned parser read the column types, in one
// CREATE TABLE of every column, and puts back the options read here.
func parseColumns(defs []columnSource) ([]*sqlparser.ColumnDefinition, error) {
	if len(defs) == 0 {
		return nil, fmt.Errorf("vitessdo: ddl: a table needs a column")
	}
	var b strings.Builder
	b.WriteString("create table x (")
	for i, d := range defs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(sqlparser.Backtick(d.name))
		b.WriteString(" ")
		b.WriteString(d.typeText)
		if d.notNull {
			b.WriteString(" not null")
		}
		if d.autoInc {
			b.WriteString(" auto_increment")
		}
	}
	b.WriteString(")")
	stmt, err := parseStrict(b.String())
	if err != nil {
		return nil, fmt.Errorf("vitessdo: ddl: column types: %w", err)
	}
	ddl, ok := stmt.(*sqlparser.DDL)
	if !ok || ddl.TableSpec == nil || len(ddl.TableSpec.Columns) != len(defs) {
		return nil, fmt.Errorf("vitessdo: ddl: column types not understood")
	}
	for i, col := range ddl.TableSpec.Columns {
		col.Type.Default = defs[i].deflt
		col.Type.KeyOpt = 0
	}
	return ddl.TableSpec.Columns, nil
}

// parseStrict calls ParseStrictDDL, turning its panics into errors.
func parseStrict(sql string) (stmt sqlparser.Statement, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("syntax error: %v", e)
		}
	}()
	return sqlparser.ParseStrictDDL(sql)
}
