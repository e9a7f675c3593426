package dialect

import (
	"fmt"
	"strings"
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
//	ALTER TABLE t MODIFY [COLUMN] coldef
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

// tableRef reads [db.]table and returns "db.table" or "table": the router
// resolves the qualifier to a keyspace and removes it before rendering.
func (p *ddlParser) tableRef() (string, error) {
	name, err := p.name()
	if err != nil {
		return "", err
	}
	if p.punct(".") {
		table, err := p.name()
		if err != nil {
			return "", err
		}
		return name + "." + table, nil
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
	case p.kw("modify"):
		p.kw("column")
		def, err := p.columnDefinition()
		if err != nil {
			return nil, err
		}
		if def.key != keyNone {
			return nil, p.unsupportedf("ALTER TABLE MODIFY of a column with a key option")
		}
		cols, err := parseColumns([]columnSource{def})
		if err != nil {
			return nil, err
		}
		return &ModifyColumn{Table: table, Column: cols[0]}, nil
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
