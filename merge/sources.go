package merge

import "errors"

// sourceSet holds the input streams of a multi-source operator and closes
// each exactly once: early, when it is exhausted, or at the operator's Close.
type sourceSet struct {
	its    []Iterator
	closed []bool
	cols   []Column
}

func newSourceSet(its []Iterator) sourceSet {
	return sourceSet{its: its, closed: make([]bool, len(its))}
}

// columns describes the sources' rows: every source of one statement
// returns the same columns, described by the first source, except that a
// column the first source leaves without a scan type is described by the
// first source that gives one. (An SQLite shard that found no rows
// reports no scan types; the database holding all the rows would report
// those of its rows, as the first shard with rows does.)
func (s *sourceSet) columns() []Column {
	if s.cols != nil || len(s.its) == 0 {
		return s.cols
	}
	first := s.its[0].Columns()
	cols := first
	for i := range first {
		if first[i].ScanType != nil {
			continue
		}
		for _, it := range s.its[1:] {
			if c := it.Columns(); i < len(c) && c[i].ScanType != nil {
				if &cols[0] == &first[0] {
					cols = append([]Column(nil), first...)
				}
				cols[i] = c[i]
				break
			}
		}
	}
	s.cols = cols
	return cols
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
