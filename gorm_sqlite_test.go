package vitessdo_test

import (
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// TestGormCRUDMatchesPlainSQLite compares GORM over vitessdo (four SQLite
// shards, MySQL dialector) with GORM over one plain SQLite file through
// GORM's own SQLite dialector (mattn/go-sqlite3, which registers
// "sqlite3" and links beside modernc.org/sqlite's "sqlite"): the same
// models and operations give the same structs, whatever SQL each
// dialector writes.
func TestGormCRUDMatchesPlainSQLite(t *testing.T) {
	plain, err := gorm.Open(sqlite.Open(filepath.Join(t.TempDir(), "plain.db")+"?_foreign_keys=on"), &gorm.Config{Logger: logger.Discard})
	if err == nil {
		var sqlDB interface{ Ping() error }
		if sqlDB, err = plain.DB(); err == nil {
			err = sqlDB.Ping()
		}
	}
	if err != nil {
		if strings.Contains(err.Error(), "CGO_ENABLED=0") {
			t.Skip("gorm.io/driver/sqlite needs cgo:", err)
		}
		t.Fatal(err)
	}
	gormCRUDSteps(t, migratedPair(t, openGorm(t, engine{name: "sqlite", url: sqliteURL}, shopVSchema), plain))
}
