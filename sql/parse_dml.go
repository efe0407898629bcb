package sql

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
)

// convertDML maps the TiDB statements for writable tables, indexes and
// views to our statements. ok is false for statements it does not handle.
func convertDML(node ast.StmtNode, text string) (st Statement, ok bool, err error) {
	switch n := node.(type) {
	case *ast.CreateTableStmt:
		st, err = convertCreateTable(n)
		return st, true, err
	case *ast.InsertStmt:
		st, err = convertInsert(n)
		return st, true, err
	case *ast.UpdateStmt:
		st, err = convertUpdate(n)
		return st, true, err
	case *ast.DeleteStmt:
		st, err = convertDelete(n)
		return st, true, err
	case *ast.CreateIndexStmt:
		ci := &CreateIndex{Name: n.IndexName, Table: n.Table.Name.O, IfNotExists: n.IfNotExists,
			Unique: n.KeyType == ast.IndexKeyTypeUnique}
		for _, p := range n.IndexPartSpecifications {
			if p.Column == nil {
				return nil, true, errors.New("CREATE INDEX: expression indexes are not supported")
			}
			ci.Columns = append(ci.Columns, p.Column.Name.O)
		}
		return ci, true, nil
	case *ast.DropIndexStmt:
		if n.Table == nil || n.Table.Name.O == "" {
			return nil, true, errors.New("DROP INDEX needs ON table")
		}
		return &DropIndex{Name: n.IndexName, Table: n.Table.Name.O, IfExists: n.IfExists}, true, nil
	case *ast.CreateViewStmt:
		sel, ok := n.Select.(ast.ResultSetNode)
		if !ok {
			return nil, true, errors.New("CREATE VIEW needs a query")
		}
		q, err := convertStatement(sel.(ast.StmtNode), strings.TrimSpace(n.Select.Text()))
		if err != nil {
			return nil, true, err
		}
		query, ok := q.(*Query)
		if !ok {
			return nil, true, errors.New("CREATE VIEW needs a query")
		}
		cv := &CreateView{Name: n.ViewName.Name.O, Query: query, OrReplace: n.OrReplace}
		for _, c := range n.Cols {
			cv.Columns = append(cv.Columns, c.O)
		}
		return cv, true, nil
	case *ast.DropTableStmt:
		if n.IsView {
			dv := &DropView{IfExists: n.IfExists}
			for _, t := range n.Tables {
				dv.Names = append(dv.Names, t.Name.O)
			}
			return dv, true, nil
		}
		if len(n.Tables) > 1 {
			dt := &DropTables{IfExists: n.IfExists}
			for _, t := range n.Tables {
				dt.Names = append(dt.Names, t.Name.O)
			}
			return dt, true, nil
		}
	}
	return nil, false, nil
}

func convertCreateTable(n *ast.CreateTableStmt) (Statement, error) {
	if n.ReferTable != nil {
		return nil, errors.New("unsupported statement: CREATE TABLE ... LIKE")
	}
	if n.Select != nil {
		return nil, errors.New("unsupported statement: CREATE TABLE ... AS SELECT")
	}
	if n.TemporaryKeyword != ast.TemporaryNone {
		return nil, errors.New("unsupported statement: CREATE TEMPORARY TABLE")
	}
	ct := &CreateTable{Name: n.Table.Name.O, IfNotExists: n.IfNotExists}
	for _, c := range n.Cols {
		def := ColumnDef{Name: c.Name.Name.O, Type: c.Tp, TypeText: c.Tp.String()}
		for _, o := range c.Options {
			switch o.Tp {
			case ast.ColumnOptionNotNull:
				def.NotNull = true
			case ast.ColumnOptionNull:
				if def.NotNull {
					return nil, fmt.Errorf("column %s is declared both NULL and NOT NULL", def.Name)
				}
			case ast.ColumnOptionPrimaryKey:
				def.Primary, def.NotNull = true, true
			case ast.ColumnOptionUniqKey:
				def.Unique = true
			case ast.ColumnOptionDefaultValue:
				def.Default = o.Expr
			case ast.ColumnOptionComment, ast.ColumnOptionCollate, ast.ColumnOptionCheck:
				// accepted and ignored
			default:
				return nil, fmt.Errorf("CREATE TABLE: unsupported option on column %s", def.Name)
			}
		}
		if mysql.HasNotNullFlag(c.Tp.GetFlag()) {
			def.NotNull = true
		}
		if def.Primary {
			if len(ct.PrimaryKey) > 0 {
				return nil, errors.New("CREATE TABLE: multiple primary keys defined")
			}
			ct.PrimaryKey = []string{def.Name}
		}
		ct.Columns = append(ct.Columns, def)
	}
	for _, con := range n.Constraints {
		var cols []string
		for _, k := range con.Keys {
			if k.Column == nil {
				return nil, errors.New("CREATE TABLE: expression keys are not supported")
			}
			cols = append(cols, k.Column.Name.O)
		}
		switch con.Tp {
		case ast.ConstraintPrimaryKey:
			if len(ct.PrimaryKey) > 0 {
				return nil, errors.New("CREATE TABLE: multiple primary keys defined")
			}
			ct.PrimaryKey = cols
		case ast.ConstraintUniq, ast.ConstraintUniqKey, ast.ConstraintUniqIndex:
			ct.Unique = append(ct.Unique, cols)
		case ast.ConstraintKey, ast.ConstraintIndex, ast.ConstraintCheck:
			// plain indexes and checks are accepted and not enforced
		default:
			return nil, errors.New("CREATE TABLE: unsupported constraint")
		}
	}
	return ct, nil
}

// singleTable returns the one table (and its alias) of an UPDATE or DELETE.
func singleTable(refs *ast.TableRefsClause, what string) (name, alias string, err error) {
	if refs == nil || refs.TableRefs == nil || refs.TableRefs.Right != nil {
		return "", "", fmt.Errorf("%s: only single-table statements are supported", what)
	}
	var src ast.ResultSetNode = refs.TableRefs.Left
	if ts, ok := src.(*ast.TableSource); ok {
		alias = ts.AsName.O
		src = ts.Source
	}
	tn, ok := src.(*ast.TableName)
	if !ok {
		return "", "", fmt.Errorf("%s: the target must be a table", what)
	}
	return tn.Name.O, alias, nil
}

func convertInsert(n *ast.InsertStmt) (Statement, error) {
	if n.IsReplace {
		return nil, errors.New("unsupported statement: REPLACE")
	}
	if len(n.OnDuplicate) > 0 {
		return nil, errors.New("unsupported statement: INSERT ... ON DUPLICATE KEY UPDATE")
	}
	if n.IgnoreErr {
		return nil, errors.New("unsupported statement: INSERT IGNORE")
	}
	name, _, err := singleTable(n.Table, "INSERT")
	if err != nil {
		return nil, err
	}
	ins := &Insert{Table: name}
	for _, c := range n.Columns {
		ins.Columns = append(ins.Columns, c.Name.O)
	}
	if n.Setlist {
		return nil, errors.New("unsupported statement: INSERT ... SET")
	}
	if n.Select != nil {
		var text string
		if sn, ok := n.Select.(ast.Node); ok {
			text = strings.TrimSpace(sn.Text())
		}
		stmt, ok := n.Select.(ast.StmtNode)
		if !ok {
			return nil, errors.New("INSERT ... SELECT: unsupported query form")
		}
		q, err := convertStatement(stmt, text)
		if err != nil {
			return nil, err
		}
		query, ok := q.(*Query)
		if !ok {
			return nil, errors.New("INSERT ... SELECT: unsupported query form")
		}
		ins.Select = query
		return ins, nil
	}
	ins.Rows = n.Lists
	return ins, nil
}

func convertUpdate(n *ast.UpdateStmt) (Statement, error) {
	if n.MultipleTable {
		return nil, errors.New("unsupported statement: multiple-table UPDATE")
	}
	if n.Order != nil || n.Limit != nil {
		return nil, errors.New("unsupported statement: UPDATE ... ORDER BY/LIMIT")
	}
	if n.With != nil {
		return nil, errors.New("unsupported statement: WITH ... UPDATE")
	}
	name, alias, err := singleTable(n.TableRefs, "UPDATE")
	if err != nil {
		return nil, err
	}
	up := &Update{Table: name, Alias: alias, Where: n.Where}
	for _, a := range n.List {
		e := a.Expr
		if _, ok := e.(*ast.DefaultExpr); ok {
			e = nil
		}
		up.Assignments = append(up.Assignments, Assignment{Column: a.Column.Name.O, Expr: e})
	}
	return up, nil
}

func convertDelete(n *ast.DeleteStmt) (Statement, error) {
	if n.IsMultiTable {
		return nil, errors.New("unsupported statement: multiple-table DELETE")
	}
	if n.Order != nil || n.Limit != nil {
		return nil, errors.New("unsupported statement: DELETE ... ORDER BY/LIMIT")
	}
	if n.With != nil {
		return nil, errors.New("unsupported statement: WITH ... DELETE")
	}
	name, alias, err := singleTable(n.TableRefs, "DELETE")
	if err != nil {
		return nil, err
	}
	return &Delete{Table: name, Alias: alias, Where: n.Where}, nil
}
