package route

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPlannerLinksNoDatabaseDriver checks that the import graph of the
// planner, and of the packages under it and beside it that are not about
// one backend, holds no database driver: the drivers are linked by
// shard/sqlite and shard/postgres, which only the database/sql surface
// imports.
func TestPlannerLinksNoDatabaseDriver(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not installed: cannot list the planner's dependencies")
	}
	for _, pkg := range []string{".", "../internal/txn", "../internal/dialect", "../internal/eval", "../merge", "../vschema", "../vindex", "../key", "../shard"} {
		out, err := exec.Command(gobin, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, driver := range []string{"github.com/jackc/pgx", "modernc.org/"} {
				if strings.HasPrefix(dep, driver) {
					t.Errorf("%s depends on %s: it must link no database driver", pkg, dep)
				}
			}
		}
	}
}
