package vschema

import (
	"sort"
	"strings"

	"github.com/dot-do/vitessdo/key"
	"github.com/dot-do/vitessdo/vindex"
)

// Table types.
const (
	// TypeSharded is an ordinary table, sharded by its primary vindex in a
	// sharded keyspace, or living on the one shard of an unsharded one.
	TypeSharded = ""
	// TypeReference is a table copied whole onto every shard of its
	// keyspace.
	TypeReference = "reference"
	// TypeSequence is a Vitess sequence table (in an unsharded keyspace).
	TypeSequence = "sequence"
)

// VSchema is a loaded and validated VSchema: keyspaces, their vindexes,
// tables and shards.
type VSchema struct {
	// File is the file it was loaded from, "" for one held in memory.
	File string
	// Keyspaces by name.
	Keyspaces map[string]*Keyspace
	// byTable lists, per lower-cased table name, the keyspaces whose
	// VSchema lists the table, sorted by keyspace name.
	byTable map[string][]*Table
}

// Keyspace is one keyspace of the VSchema.
type Keyspace struct {
	Name    string
	Sharded bool
	// Vindexes by name.
	Vindexes map[string]vindex.Vindex
	// Tables by lower-cased name.
	Tables map[string]*Table
	// Shards lists the shard names in key-range order; KeyRanges[i] is
	// the range of Shards[i].
	Shards    []string
	KeyRanges []key.KeyRange
	// ShardURLs holds backend URLs the VSchema's "shards" object gives.
	ShardURLs map[string]string
}

// Table is one table of a keyspace.
type Table struct {
	Keyspace *Keyspace
	// Name is the table name as the VSchema spells it.
	Name string
	// Type is TypeSharded, TypeReference or TypeSequence.
	Type string
	// ColumnVindexes lists the table's vindexes, the primary one first.
	ColumnVindexes []*ColumnVindex
	// AutoIncrement names the column filled from a sequence, or is nil.
	AutoIncrement *AutoIncrement
	// Columns lists the columns the VSchema declares, if any.
	Columns []Column
	// Pinned is the keyspace id every row of a pinned table has, or nil.
	Pinned []byte
	// Owned lists the lookup vindexes this table owns, in VSchema order.
	Owned []*ColumnVindex
}

// ColumnVindex is a vindex applied to one or more columns of a table.
type ColumnVindex struct {
	// Columns are the lower-cased column names the vindex reads.
	Columns []string
	// Name is the vindex's name in the keyspace.
	Name   string
	Vindex vindex.Vindex
	// Owned reports whether the table owns this (lookup) vindex.
	Owned bool
}

// AutoIncrement is a table's auto_increment: Column takes values from
// Sequence when an INSERT leaves it out, NULL or 0.
type AutoIncrement struct {
	Column   string
	Sequence *Table
}

// Column is a column the VSchema declares.
type Column struct {
	Name string
	Type string
}

// IsSharded reports whether rows of the table are spread by a vindex.
func (t *Table) IsSharded() bool {
	return t.Keyspace.Sharded && t.Type == TypeSharded && t.Pinned == nil
}

// Primary returns the table's primary vindex, or nil.
func (t *Table) Primary() *ColumnVindex {
	if len(t.ColumnVindexes) == 0 {
		return nil
	}
	return t.ColumnVindexes[0]
}

// String returns keyspace.table.
func (t *Table) String() string { return t.Keyspace.Name + "." + t.Name }

// Keyspace returns the named keyspace, or nil.
func (v *VSchema) Keyspace(name string) *Keyspace {
	return v.Keyspaces[name]
}

// KeyspaceNames returns the keyspace names, sorted.
func (v *VSchema) KeyspaceNames() []string {
	names := make([]string, 0, len(v.Keyspaces))
	for n := range v.Keyspaces {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// FindTable resolves a table name as a statement uses it. qualifier is the
// keyspace the statement names ("" when unqualified); def is the session's
// default keyspace ("" when none). An unsharded keyspace may hold tables
// its VSchema does not list, as in Vitess: such a name resolves to the
// default keyspace when it is unsharded, or to the only unsharded keyspace.
func (v *VSchema) FindTable(qualifier, name, def string) (*Table, error) {
	lname := strings.ToLower(name)
	if qualifier != "" {
		ks := v.Keyspaces[qualifier]
		if ks == nil {
			return nil, planErrorf("keyspace %q not found in the vschema (keyspaces: %s)", qualifier, strings.Join(v.KeyspaceNames(), ", "))
		}
		return ks.findTable(name)
	}
	cands := v.byTable[lname]
	switch {
	case len(cands) == 1:
		return cands[0], nil
	case len(cands) > 1:
		for _, t := range cands {
			if t.Keyspace.Name == def {
				return t, nil
			}
		}
		names := make([]string, len(cands))
		for i, t := range cands {
			names[i] = t.String()
		}
		return nil, planErrorf("table %q is ambiguous: it is in %s; qualify it as keyspace.table or USE a keyspace", name, strings.Join(names, " and "))
	}
	if def != "" {
		if ks := v.Keyspaces[def]; ks != nil {
			return ks.findTable(name)
		}
	}
	var unsharded []*Keyspace
	for _, n := range v.KeyspaceNames() {
		if ks := v.Keyspaces[n]; !ks.Sharded {
			unsharded = append(unsharded, ks)
		}
	}
	if len(unsharded) == 1 {
		return unsharded[0].implicitTable(name), nil
	}
	return nil, planErrorf("table %q not found in any keyspace of the vschema", name)
}

// findTable returns the keyspace's table, or for an unsharded keyspace a
// table it does not list.
func (ks *Keyspace) findTable(name string) (*Table, error) {
	if t := ks.Tables[strings.ToLower(name)]; t != nil {
		return t, nil
	}
	if ks.Sharded {
		return nil, planErrorf("table %q not found in sharded keyspace %q: a sharded keyspace's tables must be listed in its vschema", name, ks.Name)
	}
	return ks.implicitTable(name), nil
}

// implicitTable describes a table of an unsharded keyspace that the VSchema
// does not list.
func (ks *Keyspace) implicitTable(name string) *Table {
	return &Table{Keyspace: ks, Name: name}
}
