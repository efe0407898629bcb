// Package sql turns SQL text into statements and binds queries against the
// catalog into logical plans. Parsing uses the TiDB parser (MySQL dialect);
// statements the TiDB grammar lacks (CREATE EXTERNAL TABLE) are recognised
// before it.
package sql

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Statement is one parsed SQL statement.
type Statement interface{ statement() }

// Query is a SELECT, a set operation or a WITH query.
type Query struct {
	AST  ast.StmtNode // *ast.SelectStmt or *ast.SetOprStmt
	Text string       // the statement's source text

	// derivedColumnLists is set when Parse rewrote "(SELECT ...) AS d (a, b)"
	// into TiDB's LATERAL form: the AST's LATERAL flags are then ours.
	derivedColumnLists bool
}

// CreateExternalTable is
// CREATE EXTERNAL TABLE [IF NOT EXISTS] name STORED AS PARQUET|CSV LOCATION 'path'
// [OPTIONS ('key' 'value', ...)]  (CSV options: header, delimiter).
type CreateExternalTable struct {
	Name        string
	Format      string // "parquet" or "csv" (lower case)
	Location    string
	IfNotExists bool
	Options     map[string]string
}

// DropTable is DROP TABLE [IF EXISTS] name.
type DropTable struct {
	Name     string
	IfExists bool
}

// ShowTables is SHOW TABLES.
type ShowTables struct{}

// Describe is DESCRIBE name (also DESC name, SHOW COLUMNS FROM name).
type Describe struct{ Name string }

// Explain is EXPLAIN [ANALYZE] [VERBOSE] statement, or EXPLAIN DISTRIBUTED
// statement (the plan cut into stages, as the coordinator runs it).
type Explain struct {
	Statement   Statement
	Analyze     bool
	Verbose     bool
	Distributed bool
}

func (*Query) statement()               {}
func (*CreateExternalTable) statement() {}
func (*DropTable) statement()           {}
func (*ShowTables) statement()          {}
func (*Describe) statement()            {}
func (*Explain) statement()             {}
