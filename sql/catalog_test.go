package sql

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/catalog"
)

// fakeTable is a catalog.Table with a schema and no data: binding needs
// only the schema.
type fakeTable struct{ schema *arrow.Schema }

func (t *fakeTable) Schema() *arrow.Schema { return t.schema }
func (t *fakeTable) Statistics() *catalog.TableStats {
	return &catalog.TableStats{RowCount: -1, Columns: make([]catalog.ColumnStats, len(t.schema.Fields()))}
}
func (t *fakeTable) Splits(context.Context, []catalog.Predicate) ([]catalog.Split, error) {
	return nil, errors.New("fakeTable has no data")
}
func (t *fakeTable) Open(context.Context, catalog.Split, catalog.ScanOptions) (catalog.BatchReader, error) {
	return nil, errors.New("fakeTable has no data")
}
func (t *fakeTable) Location() string { return "memory" }

// tpchSchemas is the TPC-H schema Aloft's answers assume: keys BIGINT,
// nation/region keys and small counts INT, money DECIMAL(15,2), dates DATE.
var tpchSchemas = map[string]string{
	"region":   "r_regionkey int32, r_name string, r_comment string",
	"nation":   "n_nationkey int32, n_name string, n_regionkey int32, n_comment string",
	"supplier": "s_suppkey int64, s_name string, s_address string, s_nationkey int32, s_phone string, s_acctbal money, s_comment string",
	"customer": "c_custkey int64, c_name string, c_address string, c_nationkey int32, c_phone string, c_acctbal money, c_mktsegment string, c_comment string",
	"part":     "p_partkey int64, p_name string, p_mfgr string, p_brand string, p_type string, p_size int32, p_container string, p_retailprice money, p_comment string",
	"partsupp": "ps_partkey int64, ps_suppkey int64, ps_availqty int32, ps_supplycost money, ps_comment string",
	"orders":   "o_orderkey int64, o_custkey int64, o_orderstatus string, o_totalprice money, o_orderdate date, o_orderpriority string, o_clerk string, o_shippriority int32, o_comment string",
	"lineitem": "l_orderkey int64, l_partkey int64, l_suppkey int64, l_linenumber int32, l_quantity money, l_extendedprice money, l_discount money, l_tax money, " +
		"l_returnflag string, l_linestatus string, l_shipdate date, l_commitdate date, l_receiptdate date, l_shipinstruct string, l_shipmode string, l_comment string",
}

var testTypes = map[string]arrow.DataType{
	"int32":  arrow.PrimitiveTypes.Int32,
	"int64":  arrow.PrimitiveTypes.Int64,
	"string": arrow.BinaryTypes.String,
	"date":   arrow.FixedWidthTypes.Date32,
	"money":  &arrow.Decimal128Type{Precision: 15, Scale: 2},
	"double": arrow.PrimitiveTypes.Float64,
	"bool":   arrow.FixedWidthTypes.Boolean,
	"ts":     arrow.FixedWidthTypes.Timestamp_us,
}

// schemaOf parses "name type, ..." into a schema (all columns NOT NULL
// unless the type ends in "?").
func schemaOf(t testing.TB, spec string) *arrow.Schema {
	t.Helper()
	var fields []arrow.Field
	for _, part := range strings.Split(spec, ",") {
		name, typ, _ := strings.Cut(strings.TrimSpace(part), " ")
		nullable := strings.HasSuffix(typ, "?")
		dt, ok := testTypes[strings.TrimSuffix(typ, "?")]
		if !ok {
			t.Fatalf("unknown test type %q", typ)
		}
		fields = append(fields, arrow.Field{Name: name, Type: dt, Nullable: nullable})
	}
	return arrow.NewSchema(fields, nil)
}

// testCatalog holds the TPC-H tables plus small tables for edge cases.
func testCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat := catalog.New()
	tables := map[string]string{
		"t": "a int64?, b int32?, c string?, d date?, m money?, f double?, ok bool?, ts ts?",
		"u": "a int64?, x int64?, s string?",
	}
	for name, spec := range tpchSchemas {
		tables[name] = spec
	}
	for name, spec := range tables {
		if err := cat.Register(name, &fakeTable{schema: schemaOf(t, spec)}, false); err != nil {
			t.Fatal(err)
		}
	}
	return cat
}
