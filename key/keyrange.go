package key

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
)

// KeyRange is the half-open interval [Start, End) of keyspace ids. An empty
// Start is the lowest id, an empty End is past the highest.
type KeyRange struct {
	Start []byte
	End   []byte
}

// Compare orders two keyspace ids as bytes, ignoring trailing zero bytes.
func Compare(a, b []byte) int {
	return bytes.Compare(trimZeros(a), trimZeros(b))
}

func trimZeros(b []byte) []byte {
	i := len(b)
	for i > 0 && b[i-1] == 0 {
		i--
	}
	return b[:i]
}

// ParseKeyRange parses a Vitess shard name into its key range. "0", "-" and
// "" name the full range; otherwise the name is START-END with both bounds
// in hexadecimal and either bound possibly empty.
func ParseKeyRange(name string) (KeyRange, error) {
	if name == "0" || name == "-" || name == "" {
		return KeyRange{}, nil
	}
	start, end, ok := strings.Cut(name, "-")
	if !ok {
		return KeyRange{}, fmt.Errorf("shard name %q is not a key range (want START-END in hex, such as -80 or 40-80, or 0 for the full range)", name)
	}
	s, err := decodeBound(start)
	if err != nil {
		return KeyRange{}, fmt.Errorf("shard name %q: start %w", name, err)
	}
	e, err := decodeBound(end)
	if err != nil {
		return KeyRange{}, fmt.Errorf("shard name %q: end %w", name, err)
	}
	r := KeyRange{Start: s, End: e}
	if len(e) > 0 && Compare(s, e) >= 0 {
		return KeyRange{}, fmt.Errorf("shard name %q: start is not below end", name)
	}
	return r, nil
}

func decodeBound(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	if strings.ContainsAny(s, "ABCDEF") {
		return nil, fmt.Errorf("%q must be lower-case hexadecimal", s)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not hexadecimal with an even number of digits", s)
	}
	return trimZeros(b), nil
}

// IsFull reports whether the range covers every keyspace id.
func (r KeyRange) IsFull() bool {
	return len(trimZeros(r.Start)) == 0 && len(trimZeros(r.End)) == 0
}

// Contains reports whether the keyspace id lies in the range.
func (r KeyRange) Contains(id []byte) bool {
	if Compare(r.Start, id) > 0 {
		return false
	}
	return len(trimZeros(r.End)) == 0 || Compare(id, r.End) < 0
}

// Intersects reports whether the two ranges share at least one keyspace id.
func (r KeyRange) Intersects(o KeyRange) bool {
	// r.Start < o.End && o.Start < r.End, with empty End meaning +inf.
	below := func(start, end []byte) bool {
		return len(trimZeros(end)) == 0 || Compare(start, end) < 0
	}
	return below(r.Start, o.End) && below(o.Start, r.End)
}

// String returns the range in Vitess shard-name form ("-80", "80-", "-").
func (r KeyRange) String() string {
	return hex.EncodeToString(trimZeros(r.Start)) + "-" + hex.EncodeToString(trimZeros(r.End))
}
