package route

import "regexp"

// unparsedForms are SQL forms the pinned parser does not read, which a
// syntax error would misname: they are valid SQL that vitessdo cannot
// run, so they are reported as unsupported, saying why.
var unparsedForms = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`(?is)\(\s*with\s+(recursive\s+)?[a-z_\x60]`), "WITH inside parentheses (a subquery or a derived table): write the common table expressions in one WITH clause at the start of the statement"},
	// A window's ORDER BY reads it (see readWindows); the statement's
	// goes to the parser.
	{regexp.MustCompile(`(?is)\bnulls\s+(first|last)\b`), "NULLS FIRST/LAST in a statement's ORDER BY (a window's reads it): NULLs order first ascending and last descending, as in MySQL; order by x IS NULL, x to put them last"},
}

// unsupportedSyntax returns an UnsupportedError for SQL the parser
// rejected because it cannot read the form, or nil.
func unsupportedSyntax(sql string) error {
	for _, f := range unparsedForms {
		if f.re.MatchString(sql) {
			return unsupportedf("%s", f.why)
		}
	}
	return nil
}
