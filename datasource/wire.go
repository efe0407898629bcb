package datasource

import (
	"strconv"

	"github.com/aloftdb/aloft/catalog"
)

// TableFormat tells how to open a table of this package again elsewhere:
// Open(t.Location(), format, options) returns an equivalent table. ok is
// false for tables not implemented here.
func TableFormat(t catalog.Table) (format string, options map[string]string, ok bool) {
	switch x := t.(type) {
	case *parquetTable:
		return "parquet", nil, true
	case *csvTable:
		delim := string(x.opts.Delimiter)
		if x.opts.Delimiter == '\t' {
			delim = `\t`
		}
		return "csv", map[string]string{
			"header":    strconv.FormatBool(x.opts.Header),
			"delimiter": delim,
		}, true
	}
	return "", nil, false
}
