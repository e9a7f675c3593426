package dialect

import (
	"fmt"
	"strconv"
	"strings"
)

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
