package txn

import (
	"database/sql"
	"testing"
)

func TestParseControlRecognisesTransactionStatements(t *testing.T) {
	tests := []struct {
		query string
		want  Statement
		ok    bool
	}{
		{"BEGIN", Statement{Kind: KindBegin}, true},
		{"begin work;", Statement{Kind: KindBegin}, true},
		{"START TRANSACTION READ ONLY", Statement{Kind: KindBegin, ReadOnly: true}, true},
		{"start transaction isolation level repeatable read, read write", Statement{Kind: KindBegin, Isolation: sql.LevelRepeatableRead}, true},
		{"BEGIN ISOLATION LEVEL SNAPSHOT", Statement{Kind: KindBegin, Isolation: sql.LevelSnapshot}, true},
		{"BEGIN ISOLATION LEVEL CHAOS", Statement{Kind: KindInvalid, Name: "transaction mode isolation level chaos"}, true},
		{"COMMIT", Statement{Kind: KindCommit}, true},
		{"commit work", Statement{Kind: KindCommit}, true},
		{"ROLLBACK", Statement{Kind: KindRollback}, true},
		{"ROLLBACK TO SAVEPOINT `Sp1`", Statement{Kind: KindRollbackTo, Name: "Sp1"}, true},
		{"rollback work to sp1", Statement{Kind: KindRollbackTo, Name: "sp1"}, true},
		{"SAVEPOINT sp1", Statement{Kind: KindSavepoint, Name: "sp1"}, true},
		{`SAVEPOINT "sp1"`, Statement{Kind: KindSavepoint, Name: "sp1"}, true},
		{"SAVEPOINT a b", Statement{Kind: KindInvalid, Name: "SAVEPOINT a b"}, true},
		{"RELEASE SAVEPOINT sp1", Statement{Kind: KindRelease, Name: "sp1"}, true},
		{"RELEASE sp1", Statement{Kind: KindRelease, Name: "sp1"}, true},
		{"START", Statement{}, false},
		{"SELECT 1", Statement{}, false},
		{"", Statement{}, false},
		{"  \n\tcommit;", Statement{Kind: KindCommit}, true},
		{"Begin, read only", Statement{Kind: KindBegin, ReadOnly: true}, true},
		{"BEGINNING", Statement{}, false},
		{"SELECT name, qty FROM items WHERE id = ?", Statement{}, false},
		{"INSERT INTO savepoints (id) VALUES (?)", Statement{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseControl(tt.query)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseControl(%q) = %+v, %v; want %+v, %v", tt.query, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSavepointNamesAreLettersDigitsAndUnderscores(t *testing.T) {
	for name, want := range map[string]bool{"sp1": true, "vt_lookup_3": true, "A": true, "": false, "a-b": false, `a"b`: false, "a b": false} {
		if got := validSavepoint(name); got != want {
			t.Errorf("validSavepoint(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestParseControlOfOtherStatementsAllocatesNothing(t *testing.T) {
	q := "SELECT name, qty FROM items WHERE id = ?"
	if n := testing.AllocsPerRun(100, func() { ParseControl(q) }); n != 0 {
		t.Errorf("ParseControl(%q) allocates %v times, want 0", q, n)
	}
}
