package dialect

import (
	"encoding/hex"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// sqlVal renders a literal. A string literal is MySQL's (the parser has
// undone its backslash escapes) written in standard SQL. Hexadecimal and
// bit literals are MySQL binary strings and become blobs/bytea.
func (r *renderer) sqlVal(v *sqlparser.SQLVal) {
	switch v.Type {
	case sqlparser.StrVal:
		if r.err == nil {
			if err := writeString(r.buf.Buffer, v.Val); err != nil {
				r.fail(err)
			}
		}
	case sqlparser.IntVal, sqlparser.FloatVal:
		if !isNumber(v.Val) {
			r.fail(errorf("malformed number %q", v.Val))
			return
		}
		r.write(string(v.Val))
	case sqlparser.HexNum, sqlparser.HexVal:
		digits := string(v.Val)
		if v.Type == sqlparser.HexNum {
			digits = strings.TrimPrefix(strings.TrimPrefix(digits, "0x"), "0X")
		}
		if len(digits)%2 == 1 {
			digits = "0" + digits
		}
		b, err := hex.DecodeString(digits)
		if err != nil {
			r.fail(errorf("malformed hexadecimal literal %q", v.Val))
			return
		}
		r.blob(b)
	case sqlparser.BitVal:
		b, ok := bitsToBytes(string(v.Val))
		if !ok {
			r.fail(errorf("malformed bit literal %q", v.Val))
			return
		}
		r.blob(b)
	case sqlparser.ValArg:
		r.placeholder(string(v.Val), false)
	default:
		r.fail(errorf("unexpected literal type %d", v.Type))
	}
}

func (r *renderer) blob(b []byte) {
	if r.err == nil {
		r.d.writeBytes(r.buf.Buffer, b)
	}
}

func isNumber(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E':
		case (c == '-' || c == '+') && (i == 0 || b[i-1] == 'e' || b[i-1] == 'E'):
		default:
			return false
		}
	}
	return true
}

func bitsToBytes(bits string) ([]byte, bool) {
	for len(bits)%8 != 0 {
		bits = "0" + bits
	}
	out := make([]byte, len(bits)/8)
	for i := 0; i < len(bits); i++ {
		switch bits[i] {
		case '1':
			out[i/8] |= 1 << (7 - uint(i%8))
		case '0':
		default:
			return nil, false
		}
	}
	return out, true
}
