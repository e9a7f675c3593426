package dialect

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// keyOption is a key declared on a column: folded into the table's
// primary key or secondary indexes.
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
			if depth > 0 || p.i == start {
				return c, p.errorf("unterminated column definition %s", c.name)
			}
			// ALTER TABLE t ADD c type: the statement ends the type.
			break
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
