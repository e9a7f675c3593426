package vitessdo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestQueryTimeoutDirectiveBeforeTheVerbBoundsTheStatement(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e engine) {
		p := newApp(t, e, 60)
		// A cross product of the reference table with itself: billions
		// of rows on one shard.
		from := " COUNT(*) FROM countries a, countries b, countries c, countries d, countries e, countries f, countries g, countries h, countries i, countries j, countries k, countries l, countries m, countries n, countries o, countries p, countries q, countries r, countries s"
		for _, q := range []string{
			"/*vt+ QUERY_TIMEOUT_MS=100 */ SELECT" + from,
			"/* app:report */ /*vt+ QUERY_TIMEOUT_MS=100 */\n SELECT" + from,
		} {
			_, err := p.sharded.Exec(q)
			if err == nil || !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "interrupt") && !strings.Contains(err.Error(), "cancel") {
				t.Errorf("%.60s…: got %v, want the statement stopped by its 100 ms timeout", q, err)
			}
		}
		// Other leading comments leave the statement as it is.
		for _, q := range []string{
			"/* migrate */ CREATE TABLE notes (id BIGINT PRIMARY KEY, body VARCHAR(20))",
			"/*vt+ QUERY_TIMEOUT_MS=5000 */ INSERT INTO notes (id, body) VALUES (1, 'a')",
			"/* app */ UPDATE notes SET body = 'b' WHERE id = 1",
		} {
			if _, err := p.sharded.Exec(q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
		var body string
		if err := p.sharded.QueryRow("/*vt+ QUERY_TIMEOUT_MS=5000 */ SELECT body FROM notes WHERE id = 1").Scan(&body); err != nil || body != "b" {
			t.Errorf("SELECT body = %q, %v; want b", body, err)
		}
		if _, err := p.sharded.Exec("/*vt+ QUERY_TIMEOUT_MS=soon */ SELECT 1"); err == nil || !strings.Contains(err.Error(), "QUERY_TIMEOUT_MS=soon") {
			t.Errorf("bad directive: %v", err)
		}
	})
}
