package shard

import (
	"net/url"
	"strings"
)

const redacted = "xxxxx"

// RedactURL replaces the password of a backend URL, in its userinfo or in
// a password query parameter, with "xxxxx". Text that does not parse as a
// URL is searched for the scheme://user:password@ pattern.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return RedactText(s)
	}
	changed := false
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), redacted)
			changed = true
		}
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", redacted)
		u.RawQuery = q.Encode()
		changed = true
	}
	if !changed {
		return s
	}
	return u.String()
}

// RedactText blanks the text between "user:" and "@" after every "://"
// and the value of every "password=".
func RedactText(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			break
		}
		b.WriteString(s[:i+3])
		s = s[i+3:]
		at := strings.IndexByte(s, '@')
		end := strings.IndexAny(s, "/?&")
		if at < 0 || (end >= 0 && end < at) {
			continue
		}
		if colon := strings.IndexByte(s[:at], ':'); colon >= 0 {
			b.WriteString(s[:colon+1])
			b.WriteString(redacted)
			s = s[at:]
		}
	}
	b.WriteString(s)
	out := b.String()
	for _, key := range []string{"password=", "password%3D", "password%3d"} {
		for i := 0; ; {
			j := strings.Index(out[i:], key)
			if j < 0 {
				break
			}
			start := i + j + len(key)
			end := strings.IndexAny(out[start:], "&% ")
			if end < 0 {
				end = len(out) - start
			}
			out = out[:start] + redacted + out[start+end:]
			i = start + len(redacted)
		}
	}
	return out
}
