package sql

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/types"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/logical"
	"github.com/aloftdb/aloft/memtable"
)

// Binding of writes to in-memory tables. Each write is a query whose
// result is the rows to store: INSERT binds the new rows (cast to the
// column types, defaults filled in), DELETE the rows that stay, UPDATE every
// row with the assignments applied where the WHERE clause is true.

// ColumnType maps a declared SQL column type to the stored type and its
// limits. Integers of every width are stored as BIGINT with the declared
// range checked on write; BOOLEAN is TINYINT(1) as in MySQL; FLOAT is
// single precision; REAL is DOUBLE (MySQL).
func ColumnType(ft *types.FieldType) (col memtable.Column, err error) {
	unsigned := mysql.HasUnsignedFlag(ft.GetFlag())
	intRange := func(bits uint) {
		col.Type = logical.Int64
		if bits == 64 {
			if unsigned {
				col.MinInt, col.MaxInt = 0, math.MaxInt64
			}
			return
		}
		if unsigned {
			col.MinInt, col.MaxInt = 0, int64(1)<<bits-1
		} else {
			col.MinInt, col.MaxInt = -(int64(1) << (bits - 1)), int64(1)<<(bits-1)-1
		}
	}
	switch ft.GetType() {
	case mysql.TypeTiny:
		intRange(8)
	case mysql.TypeShort:
		intRange(16)
	case mysql.TypeInt24:
		intRange(24)
	case mysql.TypeLong:
		intRange(32)
	case mysql.TypeLonglong:
		intRange(64)
	case mysql.TypeFloat:
		col.Type = logical.Float32
	case mysql.TypeDouble:
		col.Type = logical.Float64
	case mysql.TypeNewDecimal:
		p, s := ft.GetFlen(), ft.GetDecimal()
		if p <= 0 {
			p = 10
		}
		if s < 0 {
			s = 0
		}
		if p > logical.MaxDecimalPrecision || s > p {
			return col, fmt.Errorf("DECIMAL(%d,%d) is out of range (precision ≤ 38, scale ≤ precision)", p, s)
		}
		col.Type = logical.Decimal(int32(p), int32(s))
	case mysql.TypeVarchar, mysql.TypeVarString, mysql.TypeString:
		col.Type = logical.String
		if ft.GetFlen() > 0 {
			col.MaxChars = ft.GetFlen()
		}
	case mysql.TypeTinyBlob, mysql.TypeBlob, mysql.TypeMediumBlob, mysql.TypeLongBlob:
		col.Type = logical.String
	case mysql.TypeDate:
		col.Type = logical.Date
	case mysql.TypeDatetime, mysql.TypeTimestamp:
		col.Type = logical.Timestamp
	default:
		return col, fmt.Errorf("column type %s is not supported", strings.ToUpper(ft.String()))
	}
	col.SQLType = strings.ToUpper(ft.String())
	return col, nil
}

// BindCreateTable resolves the column definitions of CREATE TABLE: stored
// types, limits, constraints and constant defaults.
func BindCreateTable(ct *CreateTable) ([]memtable.Column, error) {
	out := make([]memtable.Column, 0, len(ct.Columns))
	for _, def := range ct.Columns {
		col, err := ColumnType(def.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", def.Name, err)
		}
		col.Name, col.NotNull, col.Primary, col.Unique = def.Name, def.NotNull, def.Primary, def.Unique
		if def.Default != nil {
			b := &binder{ids: logical.NewIDAllocator()}
			ctx := &exprCtx{b: b, sc: &scope{}, clause: "DEFAULT"}
			e, err := ctx.bind(def.Default)
			if err != nil {
				return nil, fmt.Errorf("column %s DEFAULT: %w", def.Name, err)
			}
			e, err = assignCast(e, col.Type, def.Name)
			if err != nil {
				return nil, err
			}
			lit, ok := e.(*logical.Literal)
			if !ok {
				return nil, fmt.Errorf("column %s: DEFAULT must be a constant", def.Name)
			}
			if lit.Value == nil && col.NotNull {
				return nil, fmt.Errorf("column %s: invalid DEFAULT NULL for a NOT NULL column", def.Name)
			}
			col.Default = lit.Value
		}
		out = append(out, col)
	}
	return out, nil
}

// assignCast converts a value written to a column of type t, with the
// rules of CAST.
func assignCast(e logical.Expr, t arrow.DataType, column string) (logical.Expr, error) {
	c := &exprCtx{}
	return c.castExpr(e, t, func() string { return "value for column " + column })
}

// defaultValue is the literal a column gets when an INSERT does not name it.
func defaultValue(c memtable.Column) (logical.Expr, error) {
	if c.Default == nil && c.NotNull {
		return nil, fmt.Errorf("column %q cannot be NULL (it has no default value)", c.Name)
	}
	return &logical.Literal{Value: c.Default, Typ: c.Type}, nil
}

// BindInsert binds the rows INSERT writes into t: a plan whose columns are
// t's columns in order, with t's types.
func BindInsert(ins *Insert, t *memtable.Table, cat *catalog.Catalog) (*Bound, error) {
	cols := t.Columns()
	target := make([]int, 0, len(cols)) // table column of each value position
	if ins.Columns == nil {
		for i := range cols {
			target = append(target, i)
		}
	} else {
		seen := map[int]bool{}
		for _, name := range ins.Columns {
			i := columnIndex(cols, name)
			if i < 0 {
				return nil, fmt.Errorf("unknown column %q in table %s", name, t.Name())
			}
			if seen[i] {
				return nil, fmt.Errorf("column %q is given more than once", name)
			}
			seen[i] = true
			target = append(target, i)
		}
	}
	b := &binder{cat: cat, ids: logical.NewIDAllocator()}
	outCols := make([]logical.Column, len(cols))
	for i, c := range cols {
		outCols[i] = logical.Column{ID: b.ids.Next(), Name: c.Name, Type: c.Type, Nullable: !c.NotNull}
	}
	if ins.Select != nil {
		b.lateralIsDerived = ins.Select.derivedColumnLists
		plan, err := b.bindQuery(ins.Select.AST, nil, nil)
		if err != nil {
			return nil, err
		}
		in := plan.Schema()
		if len(in) != len(target) {
			return nil, fmt.Errorf("INSERT has %d target columns but the query returns %d", len(target), len(in))
		}
		exprs := make([]logical.Expr, len(cols))
		for k, i := range target {
			e, err := assignCast(in[k].Ref(), cols[i].Type, cols[i].Name)
			if err != nil {
				return nil, err
			}
			exprs[i] = e
		}
		for i := range exprs {
			if exprs[i] == nil {
				d, err := defaultValue(cols[i])
				if err != nil {
					return nil, err
				}
				exprs[i] = d
			}
		}
		for i := range outCols {
			outCols[i].Nullable = outCols[i].Nullable || nullable(exprs[i])
		}
		return &Bound{Plan: &logical.Project{Input: plan, Exprs: exprs, Columns: outCols}, IDs: b.ids}, nil
	}
	values := &logical.Values{Columns: outCols}
	ctx := &exprCtx{b: b, sc: &scope{}, clause: "VALUES"}
	for r, row := range ins.Rows {
		if len(row) != len(target) {
			return nil, fmt.Errorf("INSERT row %d has %d values but %d columns are targeted", r+1, len(row), len(target))
		}
		exprs := make([]logical.Expr, len(cols))
		for k, i := range target {
			var e logical.Expr
			if _, ok := row[k].(*ast.DefaultExpr); ok {
				d, err := defaultValue(cols[i])
				if err != nil {
					return nil, err
				}
				e = d
			} else {
				v, err := ctx.bind(row[k])
				if err != nil {
					return nil, err
				}
				if e, err = assignCast(v, cols[i].Type, cols[i].Name); err != nil {
					return nil, err
				}
			}
			if logical.HasSubquery(e) || len(logical.ColumnsUsed(e)) > 0 {
				return nil, errors.New("INSERT ... VALUES: values must be constant expressions")
			}
			exprs[i] = e
		}
		for i := range exprs {
			if exprs[i] == nil {
				d, err := defaultValue(cols[i])
				if err != nil {
					return nil, err
				}
				exprs[i] = d
			}
		}
		for i := range outCols {
			outCols[i].Nullable = outCols[i].Nullable || nullable(exprs[i])
		}
		values.Rows = append(values.Rows, exprs)
	}
	return &Bound{Plan: values, IDs: b.ids}, nil
}

func columnIndex(cols []memtable.Column, name string) int {
	for i, c := range cols {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

// scanTable builds a scan of every column of t under qualifier.
func (b *binder) scanTable(name, qualifier string, t catalog.Table) (*logical.Scan, []scopeColumn) {
	fields := t.Schema().Fields()
	scan := &logical.Scan{TableName: name, Alias: qualifier, Table: t,
		Columns: make([]logical.Column, len(fields)), Ordinals: make([]int, len(fields))}
	for i, f := range fields {
		scan.Columns[i] = logical.Column{ID: b.ids.Next(), Name: f.Name, Table: qualifier, Type: f.Type, Nullable: f.Nullable}
		scan.Ordinals[i] = i
	}
	return scan, qualify(scan.Columns, qualifier)
}

// BindDelete binds the rows that stay after DELETE FROM t WHERE pred: those
// where pred is not true (false or NULL). Without WHERE nothing stays.
func BindDelete(del *Delete, t *memtable.Table, cat *catalog.Catalog) (*Bound, error) {
	b := &binder{cat: cat, ids: logical.NewIDAllocator()}
	qualifier := del.Alias
	if qualifier == "" {
		qualifier = del.Table
	}
	scan, cols := b.scanTable(del.Table, qualifier, t)
	var keep logical.Expr = logical.FalseLiteral()
	if del.Where != nil {
		ctx := &exprCtx{b: b, sc: &scope{cols: cols}, clause: "WHERE"}
		pred, err := ctx.bindCondition(del.Where, "WHERE")
		if err != nil {
			return nil, err
		}
		keep = &logical.UnaryExpr{Op: logical.OpIsNotTrue, Input: pred, Typ: logical.Bool}
	}
	return &Bound{Plan: &logical.Filter{Input: scan, Predicate: keep}, IDs: b.ids}, nil
}

// BindUpdate binds every row of t after UPDATE t SET ... WHERE pred, plus a
// last BOOLEAN column telling whether the row matched pred. As in MySQL,
// assignments apply left to right: an assignment sees the columns the
// earlier ones set.
func BindUpdate(up *Update, t *memtable.Table, cat *catalog.Catalog) (*Bound, error) {
	b := &binder{cat: cat, ids: logical.NewIDAllocator()}
	qualifier := up.Alias
	if qualifier == "" {
		qualifier = up.Table
	}
	scan, scols := b.scanTable(up.Table, qualifier, t)
	ctx := &exprCtx{b: b, sc: &scope{cols: scols}, clause: "SET"}
	tcols := t.Columns()
	newVals := map[logical.ColumnID]logical.Expr{}
	assigned := make([]logical.Expr, len(tcols))
	for _, a := range up.Assignments {
		i := columnIndex(tcols, a.Column)
		if i < 0 {
			return nil, fmt.Errorf("unknown column %q in table %s", a.Column, up.Table)
		}
		var e logical.Expr
		if a.Expr == nil {
			d, err := defaultValue(tcols[i])
			if err != nil {
				return nil, err
			}
			e = d
		} else {
			v, err := ctx.bind(a.Expr)
			if err != nil {
				return nil, err
			}
			v = logical.SubstituteColumns(v, newVals)
			if e, err = assignCast(v, tcols[i].Type, tcols[i].Name); err != nil {
				return nil, err
			}
		}
		assigned[i] = e
		newVals[scan.Columns[i].ID] = e
	}
	var pred logical.Expr
	if up.Where != nil {
		wctx := &exprCtx{b: b, sc: &scope{cols: scols}, clause: "WHERE"}
		p, err := wctx.bindCondition(up.Where, "WHERE")
		if err != nil {
			return nil, err
		}
		pred = p
	}
	exprs := make([]logical.Expr, 0, len(tcols)+1)
	outCols := make([]logical.Column, 0, len(tcols)+1)
	for i, c := range tcols {
		e := logical.Expr(scan.Columns[i].Ref())
		if assigned[i] != nil {
			e = assigned[i]
			if pred != nil {
				e = &logical.CaseExpr{Whens: []logical.Expr{pred}, Thens: []logical.Expr{assigned[i]}, Else: scan.Columns[i].Ref(), Typ: c.Type}
			}
		}
		exprs = append(exprs, e)
		outCols = append(outCols, logical.Column{ID: b.ids.Next(), Name: c.Name, Type: c.Type, Nullable: !c.NotNull || nullable(e)})
	}
	var matched logical.Expr = logical.TrueLiteral()
	if pred != nil {
		matched = &logical.UnaryExpr{Op: logical.OpIsTrue, Input: pred, Typ: logical.Bool}
	}
	exprs = append(exprs, matched)
	outCols = append(outCols, logical.Column{ID: b.ids.Next(), Name: "matched", Type: logical.Bool})
	return &Bound{Plan: &logical.Project{Input: scan, Exprs: exprs, Columns: outCols}, IDs: b.ids}, nil
}

// maxViewDepth bounds views defined over views (and catches cycles).
const maxViewDepth = 32

// bindView binds a view's query for a FROM reference (hook in
// bindTableName): a fresh binding per reference, so a view joined with
// itself has distinct column IDs.
func (b *binder) bindView(v *catalog.View, qualifier string) (logical.Node, []scopeColumn, error) {
	if b.viewDepth >= maxViewDepth {
		return nil, nil, fmt.Errorf("view %s: views nested too deeply (or defined in a cycle)", v.Name())
	}
	stmts, err := Parse(v.SQL())
	if err != nil {
		return nil, nil, fmt.Errorf("view %s: %w", v.Name(), err)
	}
	q, ok := stmts[0].(*Query)
	if len(stmts) != 1 || !ok {
		return nil, nil, fmt.Errorf("view %s: its definition is not a query", v.Name())
	}
	saved := b.lateralIsDerived
	b.lateralIsDerived = q.derivedColumnLists
	b.viewDepth++
	plan, err := b.bindQuery(q.AST, nil, nil)
	b.viewDepth--
	b.lateralIsDerived = saved
	if err != nil {
		return nil, nil, fmt.Errorf("view %s: %w", v.Name(), err)
	}
	cols := append([]logical.Column(nil), plan.Schema()...)
	if names := v.ColumnNames(); len(names) > 0 {
		if len(names) != len(cols) {
			return nil, nil, fmt.Errorf("view %s has %d columns but %d column names were given", v.Name(), len(cols), len(names))
		}
		// Renamed columns get new IDs (a projection), so the new names
		// survive the optimizer removing identity projections.
		exprs := make([]logical.Expr, len(cols))
		for i := range cols {
			exprs[i] = cols[i].Ref()
			cols[i].Name, cols[i].ID = names[i], b.ids.Next()
		}
		plan = &logical.Project{Input: plan, Exprs: exprs, Columns: append([]logical.Column(nil), cols...)}
	}
	return plan, qualify(cols, qualifier), nil
}
