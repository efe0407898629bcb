package sql

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/types"
)

// Statements that write: CREATE TABLE / INSERT / UPDATE / DELETE on
// in-memory tables, CREATE/DROP INDEX (recorded, not used for reads) and
// CREATE/DROP VIEW. They are parsed in parse_dml.go and bound in
// bind_dml.go; the engine runs them (engine/dml.go).

// CreateTable is CREATE TABLE [IF NOT EXISTS] name (column defs, constraints).
type CreateTable struct {
	Name        string
	IfNotExists bool
	Columns     []ColumnDef
	PrimaryKey  []string   // PRIMARY KEY (a, b) or the column marked PRIMARY KEY
	Unique      [][]string // UNIQUE (a, b) table constraints
}

// ColumnDef is one column of CREATE TABLE.
type ColumnDef struct {
	Name     string
	Type     *types.FieldType
	NotNull  bool
	Primary  bool
	Unique   bool
	Default  ast.ExprNode // nil when no DEFAULT
	TypeText string       // the declared type as MySQL prints it, e.g. "varchar(8)"
}

// Insert is INSERT INTO t [(cols)] VALUES (...), ... | SELECT ...
type Insert struct {
	Table   string
	Columns []string         // nil: all columns in table order
	Rows    [][]ast.ExprNode // VALUES rows (nil when Select is set)
	Select  *Query
}

// Update is UPDATE t [AS a] SET col = expr, ... [WHERE pred].
type Update struct {
	Table       string
	Alias       string
	Assignments []Assignment
	Where       ast.ExprNode
}

// Assignment is col = expr in UPDATE ... SET (expr nil means DEFAULT).
type Assignment struct {
	Column string
	Expr   ast.ExprNode
}

// Delete is DELETE FROM t [WHERE pred].
type Delete struct {
	Table string
	Alias string
	Where ast.ExprNode
}

// CreateIndex is CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON t (cols).
type CreateIndex struct {
	Name        string
	Table       string
	Columns     []string
	Unique      bool
	IfNotExists bool
}

// DropIndex is DROP INDEX [IF EXISTS] name ON t.
type DropIndex struct {
	Name     string
	Table    string
	IfExists bool
}

// CreateView is CREATE [OR REPLACE] VIEW name [(cols)] AS query.
type CreateView struct {
	Name      string
	Columns   []string
	Query     *Query
	OrReplace bool
}

// DropView is DROP VIEW [IF EXISTS] name, ...
type DropView struct {
	Names    []string
	IfExists bool
}

// DropTables is DROP TABLE [IF EXISTS] a, b, ... (more than one name; one
// name parses as DropTable).
type DropTables struct {
	Names    []string
	IfExists bool
}

func (*CreateTable) statement() {}
func (*Insert) statement()      {}
func (*Update) statement()      {}
func (*Delete) statement()      {}
func (*CreateIndex) statement() {}
func (*DropIndex) statement()   {}
func (*CreateView) statement()  {}
func (*DropView) statement()    {}
func (*DropTables) statement()  {}
