package dialect

import (
	"github.com/xwb1989/sqlparser"
)

// DDLStatement is a DDL statement as ParseDDL recognises it: one of
// *CreateTable, *DropTable, *TruncateTable, *CreateIndex, *DropIndex,
// *AddColumn, *ModifyColumn, *DropColumn and *AddForeignKey. Names are as written; the
// renderer folds them.
type DDLStatement interface {
	// TableName is the table the statement changes (the first one for a
	// DROP TABLE of several).
	TableName() string
	isDDL()
}

// CreateTable is CREATE TABLE. Column-level PRIMARY KEY, UNIQUE and KEY
// options are folded into PrimaryKey and Indexes (their KeyOpt is
// cleared); FOREIGN KEY clauses are in ForeignKeys, for the router to keep
// (unsharded keyspace) or drop (sharded keyspace, where the referenced
// rows may live on another shard) before rendering.
type CreateTable struct {
	Table       string
	IfNotExists bool
	Columns     []*sqlparser.ColumnDefinition
	PrimaryKey  []string
	Indexes     []*Index
	ForeignKeys []*ForeignKey
}

// Index is a secondary index. Its name is MySQL's, unique per table; the
// backend name is made unique per schema by indexName.
type Index struct {
	Name    string
	Unique  bool
	Columns []IndexColumn
}

// IndexColumn is one column of an index. A prefix length (MySQL's
// col(10)) is kept for the record but not rendered: SQLite and PostgreSQL
// index whole values, and a unique index with a prefix is unsupported.
type IndexColumn struct {
	Name   string
	Desc   bool
	Prefix int
}

// ForeignKey is a FOREIGN KEY clause. OnDelete and OnUpdate hold the
// action in upper case ("CASCADE", "SET NULL", "RESTRICT", "NO ACTION",
// "SET DEFAULT") or "".
type ForeignKey struct {
	Name       string
	Columns    []string
	RefTable   string
	RefColumns []string
	OnDelete   string
	OnUpdate   string
}

// DropTable is DROP TABLE [IF EXISTS] t1, t2….
type DropTable struct {
	Tables   []string
	IfExists bool
}

// TruncateTable is TRUNCATE [TABLE] t.
type TruncateTable struct{ Table string }

// CreateIndex is CREATE [UNIQUE] INDEX, or ALTER TABLE … ADD INDEX/UNIQUE.
type CreateIndex struct {
	Table       string
	Index       *Index
	IfNotExists bool
}

// DropIndex is DROP INDEX name ON t, or ALTER TABLE t DROP INDEX name.
type DropIndex struct{ Table, Name string }

// AddColumn is ALTER TABLE t ADD [COLUMN] coldef. A UNIQUE or KEY option
// of the column becomes Index; FIRST/AFTER are dropped (only the column
// order of SELECT * differs).
type AddColumn struct {
	Table  string
	Column *sqlparser.ColumnDefinition
	Index  *Index
}

// ModifyColumn is ALTER TABLE t MODIFY [COLUMN] coldef. It is not
// rendered: the router compares the definition with each shard's
// catalog (see DescribeColumn) and runs nothing when they agree, as when
// an ORM restates a column it believes changed.
type ModifyColumn struct {
	Table  string
	Column *sqlparser.ColumnDefinition
}

// DropColumn is ALTER TABLE t DROP [COLUMN] c.
type DropColumn struct{ Table, Column string }

// AddForeignKey is ALTER TABLE t ADD [CONSTRAINT name] FOREIGN KEY ….
type AddForeignKey struct {
	Table      string
	ForeignKey *ForeignKey
}

func (s *CreateTable) TableName() string   { return s.Table }
func (s *DropTable) TableName() string     { return s.Tables[0] }
func (s *TruncateTable) TableName() string { return s.Table }
func (s *CreateIndex) TableName() string   { return s.Table }
func (s *DropIndex) TableName() string     { return s.Table }
func (s *AddColumn) TableName() string     { return s.Table }
func (s *DropColumn) TableName() string    { return s.Table }
func (s *ModifyColumn) TableName() string  { return s.Table }
func (s *AddForeignKey) TableName() string { return s.Table }

func (*CreateTable) isDDL()   {}
func (*DropTable) isDDL()     {}
func (*TruncateTable) isDDL() {}
func (*CreateIndex) isDDL()   {}
func (*DropIndex) isDDL()     {}
func (*AddColumn) isDDL()     {}
func (*DropColumn) isDDL()    {}
func (*ModifyColumn) isDDL()  {}
func (*AddForeignKey) isDDL() {}
