package route

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPlannerLinksNoDatabaseDriver checks that the planner's import graph
// holds no database driver: the drivers are linked by shard/sqlite and
// shard/postgres, which only the database/sql surface imports.
func TestPlannerLinksNoDatabaseDriver(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not installed: cannot list the planner's dependencies")
	}
	out, err := exec.Command(gobin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps .: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, driver := range []string{"github.com/jackc/pgx", "modernc.org/"} {
			if strings.HasPrefix(pkg, driver) {
				t.Errorf("route depends on %s: the planner must link no database driver", pkg)
			}
		}
	}
}
