package merge

import "errors"

// sourceSet holds the input streams of a multi-source operator and closes
// each exactly once: early, when it is exhausted, or at the operator's Close.
type sourceSet struct {
	its    []Iterator
	closed []bool
}

func newSourceSet(its []Iterator) sourceSet {
	return sourceSet{its: its, closed: make([]bool, len(its))}
}

// columns is the first source's description; every source of one
// statement returns the same columns.
func (s *sourceSet) columns() []Column {
	if len(s.its) == 0 {
		return nil
	}
	return s.its[0].Columns()
}

func (s *sourceSet) close(i int) error {
	if s.closed[i] {
		return nil
	}
	s.closed[i] = true
	return s.its[i].Close()
}

func (s *sourceSet) closeAll() error {
	var errs []error
	for i := range s.its {
		if err := s.close(i); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// source is the input stream of a single-source operator.
type source struct {
	it     Iterator
	closed bool
}

func (s *source) close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	return s.it.Close()
}
