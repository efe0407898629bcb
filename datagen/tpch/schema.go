package tpch

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Table names, in the stable order returned by TableNames.
const (
	Region   = "region"
	Nation   = "nation"
	Supplier = "supplier"
	Customer = "customer"
	Part     = "part"
	PartSupp = "partsupp"
	Orders   = "orders"
	Lineitem = "lineitem"
)

var tableNames = []string{Region, Nation, Supplier, Customer, Part, PartSupp, Orders, Lineitem}

// TableNames lists the 8 tables in a stable order.
func TableNames() []string {
	return append([]string(nil), tableNames...)
}

var (
	tInt32  = arrow.PrimitiveTypes.Int32
	tInt64  = arrow.PrimitiveTypes.Int64
	tString = arrow.BinaryTypes.String
	tDate   = arrow.FixedWidthTypes.Date32
	tMoney  = &arrow.Decimal128Type{Precision: 15, Scale: 2}
)

func col(name string, typ arrow.DataType) arrow.Field {
	return arrow.Field{Name: name, Type: typ, Nullable: false}
}

var schemas = map[string]*arrow.Schema{
	Region: arrow.NewSchema([]arrow.Field{
		col("r_regionkey", tInt32),
		col("r_name", tString),
		col("r_comment", tString),
	}, nil),
	Nation: arrow.NewSchema([]arrow.Field{
		col("n_nationkey", tInt32),
		col("n_name", tString),
		col("n_regionkey", tInt32),
		col("n_comment", tString),
	}, nil),
	Supplier: arrow.NewSchema([]arrow.Field{
		col("s_suppkey", tInt64),
		col("s_name", tString),
		col("s_address", tString),
		col("s_nationkey", tInt32),
		col("s_phone", tString),
		col("s_acctbal", tMoney),
		col("s_comment", tString),
	}, nil),
	Customer: arrow.NewSchema([]arrow.Field{
		col("c_custkey", tInt64),
		col("c_name", tString),
		col("c_address", tString),
		col("c_nationkey", tInt32),
		col("c_phone", tString),
		col("c_acctbal", tMoney),
		col("c_mktsegment", tString),
		col("c_comment", tString),
	}, nil),
	Part: arrow.NewSchema([]arrow.Field{
		col("p_partkey", tInt64),
		col("p_name", tString),
		col("p_mfgr", tString),
		col("p_brand", tString),
		col("p_type", tString),
		col("p_size", tInt32),
		col("p_container", tString),
		col("p_retailprice", tMoney),
		col("p_comment", tString),
	}, nil),
	PartSupp: arrow.NewSchema([]arrow.Field{
		col("ps_partkey", tInt64),
		col("ps_suppkey", tInt64),
		col("ps_availqty", tInt32),
		col("ps_supplycost", tMoney),
		col("ps_comment", tString),
	}, nil),
	Orders: arrow.NewSchema([]arrow.Field{
		col("o_orderkey", tInt64),
		col("o_custkey", tInt64),
		col("o_orderstatus", tString),
		col("o_totalprice", tMoney),
		col("o_orderdate", tDate),
		col("o_orderpriority", tString),
		col("o_clerk", tString),
		col("o_shippriority", tInt32),
		col("o_comment", tString),
	}, nil),
	Lineitem: arrow.NewSchema([]arrow.Field{
		col("l_orderkey", tInt64),
		col("l_partkey", tInt64),
		col("l_suppkey", tInt64),
		col("l_linenumber", tInt32),
		col("l_quantity", tMoney),
		col("l_extendedprice", tMoney),
		col("l_discount", tMoney),
		col("l_tax", tMoney),
		col("l_returnflag", tString),
		col("l_linestatus", tString),
		col("l_shipdate", tDate),
		col("l_commitdate", tDate),
		col("l_receiptdate", tDate),
		col("l_shipinstruct", tString),
		col("l_shipmode", tString),
		col("l_comment", tString),
	}, nil),
}

// Schema returns the Arrow schema of a TPC-H table. All columns are
// non-nullable; keys are int64 (nation/region keys int32), money, quantity,
// discount and tax are Decimal128(15,2), dates are Date32, text is String.
func Schema(table string) (*arrow.Schema, error) {
	s, ok := schemas[table]
	if !ok {
		return nil, fmt.Errorf("tpch: unknown table %q", table)
	}
	return s, nil
}
