// Package tpch holds what the TPC-H benchmark and the end-to-end test share:
// the 22 queries, embedded so the aloft binary is self-contained, and the
// comparison of results with the reference answers.
package tpch

import (
	"embed"
	"fmt"
)

// The queries are copies of shared/tpch/queries (the specification's
// validation parameters), one statement per file.
//
//go:embed queries/q*.sql
var queryFiles embed.FS

// NumQueries is the number of TPC-H queries.
const NumQueries = 22

// Query returns the text of query n (1..22).
func Query(n int) (string, error) {
	if n < 1 || n > NumQueries {
		return "", fmt.Errorf("no TPC-H query %d (there are 1 to %d)", n, NumQueries)
	}
	b, err := queryFiles.ReadFile(QueryFile(n))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// QueryFile is the file name of query n inside a queries directory ("queries/q01.sql" is embedded).
func QueryFile(n int) string { return fmt.Sprintf("queries/q%02d.sql", n) }

// AnswerFile is the file name of query n's answer inside an answers directory.
func AnswerFile(n int) string { return fmt.Sprintf("q%02d.csv", n) }
