package vitessdo

import (
	"net/url"
	"strings"

	"github.com/dot-do/vitessdo/shard"
)

// redactDSN returns a DSN for messages: values unescaped where they can be,
// and every backend URL's password replaced by "xxxxx".
func redactDSN(dsn string) string {
	var b strings.Builder
	for i, pair := range strings.Split(dsn, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		k, v, hasValue := strings.Cut(pair, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		b.WriteString(k)
		if !hasValue {
			continue
		}
		b.WriteByte('=')
		uv, err := url.QueryUnescape(v)
		if err != nil {
			b.WriteString(shard.RedactText(v))
			continue
		}
		b.WriteString(redactShardValue(uv))
	}
	return b.String()
}

// redactShardValue redacts KEYSPACE/SHARD=URL or a bare URL.
func redactShardValue(v string) string {
	if target, backend, ok := strings.Cut(v, "="); ok && !strings.Contains(target, "://") {
		return target + "=" + shard.RedactURL(backend)
	}
	return shard.RedactURL(v)
}
