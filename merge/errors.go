package merge

import "strconv"

// specError reports a merge spec that does not fit its input, a mistake of
// the caller building the operators rather than of the data.
type specError struct{ msg string }

func (e *specError) Error() string { return "merge: " + e.msg }

func columnError(what string, col, ncols int) error {
	return &specError{what + " column " + strconv.Itoa(col) + " out of range (" + strconv.Itoa(ncols) + " columns)"}
}
