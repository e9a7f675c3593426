package vitessdo

import (
	"net/url"
	"strings"

	"github.com/dot-do/vitessdo/shard"
)

// redactDSN redacts every backend URL in a DSN, escaped or not.
func redactDSN(dsn string) string {
	if _, err := url.ParseQuery(dsn); err != nil {
		if un, err := url.QueryUnescape(dsn); err == nil {
			dsn = un
		}
		return shard.RedactText(dsn)
	}
	var b strings.Builder
	for _, pair := range strings.Split(dsn, "&") {
		k, _, _ := strings.Cut(pair, "=")
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		if !strings.Contains(pair, "=") {
			continue
		}
		b.WriteByte('=')
		v, err := url.QueryUnescape(strings.TrimPrefix(pair, k+"="))
		if err != nil {
			b.WriteString(shard.RedactText(pair[len(k)+1:]))
			continue
		}
		if target, backend, ok := strings.Cut(v, "="); ok && k == "shard" {
			v = target + "=" + shard.RedactURL(backend)
		} else {
			v = shard.RedactURL(v)
		}
		b.WriteString(url.QueryEscape(v))
	}
	return b.String()
}
