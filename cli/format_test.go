package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// allTypes is a two-row batch with a column of every type results hold;
// row 0 has values, row 1 is all NULL.
func allTypes(t *testing.T) *Result {
	t.Helper()
	mem := memory.NewGoAllocator()
	ts := arrow.Timestamp(time.Date(1998, 9, 2, 13, 4, 5, 120000000, time.UTC).UnixMicro())
	cols := []struct {
		name string
		typ  arrow.DataType
		add  func(b array.Builder)
	}{
		{"i8", arrow.PrimitiveTypes.Int8, func(b array.Builder) { b.(*array.Int8Builder).Append(-8) }},
		{"i16", arrow.PrimitiveTypes.Int16, func(b array.Builder) { b.(*array.Int16Builder).Append(-16) }},
		{"i32", arrow.PrimitiveTypes.Int32, func(b array.Builder) { b.(*array.Int32Builder).Append(-32) }},
		{"i64", arrow.PrimitiveTypes.Int64, func(b array.Builder) { b.(*array.Int64Builder).Append(math.MinInt64) }},
		{"u8", arrow.PrimitiveTypes.Uint8, func(b array.Builder) { b.(*array.Uint8Builder).Append(8) }},
		{"u16", arrow.PrimitiveTypes.Uint16, func(b array.Builder) { b.(*array.Uint16Builder).Append(16) }},
		{"u32", arrow.PrimitiveTypes.Uint32, func(b array.Builder) { b.(*array.Uint32Builder).Append(32) }},
		{"u64", arrow.PrimitiveTypes.Uint64, func(b array.Builder) { b.(*array.Uint64Builder).Append(math.MaxUint64) }},
		{"f32", arrow.PrimitiveTypes.Float32, func(b array.Builder) { b.(*array.Float32Builder).Append(0.1) }},
		{"f64", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(1e21) }},
		{"dec", &arrow.Decimal128Type{Precision: 15, Scale: 2}, func(b array.Builder) {
			b.(*array.Decimal128Builder).Append(decimal128.FromI64(-5))
		}},
		{"s", arrow.BinaryTypes.String, func(b array.Builder) { b.(*array.StringBuilder).Append(`a "b", c`) }},
		{"ls", arrow.BinaryTypes.LargeString, func(b array.Builder) { b.(*array.LargeStringBuilder).Append("") }},
		{"b", arrow.FixedWidthTypes.Boolean, func(b array.Builder) { b.(*array.BooleanBuilder).Append(true) }},
		{"d", arrow.FixedWidthTypes.Date32, func(b array.Builder) {
			b.(*array.Date32Builder).Append(arrow.Date32FromTime(time.Date(1995, 3, 15, 0, 0, 0, 0, time.UTC)))
		}},
		{"ts", arrow.FixedWidthTypes.Timestamp_us, func(b array.Builder) { b.(*array.TimestampBuilder).Append(ts) }},
		{"n", arrow.Null, func(b array.Builder) { b.AppendNull() }},
	}
	fields := make([]arrow.Field, len(cols))
	arrays := make([]arrow.Array, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
		b := array.NewBuilder(mem, c.typ)
		c.add(b)
		b.AppendNull()
		arrays[i] = b.NewArray()
	}
	schema := arrow.NewSchema(fields, nil)
	return &Result{Schema: schema, Batches: []arrow.RecordBatch{array.NewRecordBatch(schema, arrays, 2)}}
}

func TestFormatValueOfEveryType(t *testing.T) {
	res := allTypes(t)
	want := []string{"-8", "-16", "-32", "-9223372036854775808", "8", "16", "32", "18446744073709551615",
		"0.1", "1e+21", "-0.05", `a "b", c`, "", "true", "1995-03-15", "1998-09-02 13:04:05.12", ""}
	b := res.Batches[0]
	for c, col := range b.Columns() {
		name := res.Schema.Field(c).Name
		if got, null := FormatValue(col, 0); got != want[c] || null != (name == "n") {
			t.Errorf("%s: FormatValue = %q, null %v; want %q", name, got, null, want[c])
		}
		if got, null := FormatValue(col, 1); got != "" || !null {
			t.Errorf("%s: NULL row: FormatValue = %q, null %v", name, got, null)
		}
	}
}

func TestFormatDecimalKeepsTheScale(t *testing.T) {
	cases := []struct {
		unscaled int64
		scale    int32
		want     string
	}{
		{0, 2, "0.00"}, {5, 2, "0.05"}, {-5, 2, "-0.05"}, {12345, 2, "123.45"},
		{-12345, 4, "-1.2345"}, {7, 0, "7"}, {7, -2, "700"}, {0, -2, "0"},
	}
	for _, c := range cases {
		typ := &arrow.Decimal128Type{Precision: 38, Scale: c.scale}
		b := array.NewDecimal128Builder(memory.NewGoAllocator(), typ)
		b.Append(decimal128.FromI64(c.unscaled))
		if got, _ := FormatValue(b.NewArray(), 0); got != c.want {
			t.Errorf("%d scale %d: got %q, want %q", c.unscaled, c.scale, got, c.want)
		}
	}
}

func TestTimestampFormats(t *testing.T) {
	whole := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		typ  *arrow.TimestampType
		v    arrow.Timestamp
		want string
	}{
		{arrow.FixedWidthTypes.Timestamp_s.(*arrow.TimestampType), arrow.Timestamp(whole.Unix()), "2024-01-02 03:04:05"},
		{arrow.FixedWidthTypes.Timestamp_ms.(*arrow.TimestampType), arrow.Timestamp(whole.UnixMilli() + 7), "2024-01-02 03:04:05.007"},
		{arrow.FixedWidthTypes.Timestamp_ns.(*arrow.TimestampType), arrow.Timestamp(whole.UnixNano() + 1), "2024-01-02 03:04:05.000000001"},
	} {
		b := array.NewTimestampBuilder(memory.NewGoAllocator(), c.typ)
		b.Append(c.v)
		if got, _ := FormatValue(b.NewArray(), 0); got != c.want {
			t.Errorf("%s: got %q, want %q", c.typ, got, c.want)
		}
	}
}

func TestDictionaryShowsItsValues(t *testing.T) {
	typ := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(memory.NewGoAllocator(), typ).(*array.BinaryDictionaryBuilder)
	b.AppendString("x")
	b.AppendNull()
	b.AppendString("y")
	a := b.NewArray()
	for i, want := range []string{"x", "", "y"} {
		if got, null := FormatValue(a, i); got != want || null != (i == 1) {
			t.Errorf("row %d: got %q null %v, want %q", i, got, null, want)
		}
	}
}

func print(t *testing.T, res *Result, f Format, timing bool) string {
	t.Helper()
	var out bytes.Buffer
	p := Printer{Out: &out, Format: f, Timing: timing}
	if err := p.Print(res, 123*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// smallResult has a text, a decimal and an integer column over two batches.
func smallResult() *Result {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "price", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	batch := func(names []string, prices []int64, ns []int64, valid []bool) arrow.RecordBatch {
		sb := array.NewStringBuilder(mem)
		sb.AppendValues(names, valid)
		db := array.NewDecimal128Builder(mem, schema.Field(1).Type.(*arrow.Decimal128Type))
		for i, p := range prices {
			if valid[i] {
				db.Append(decimal128.FromI64(p))
			} else {
				db.AppendNull()
			}
		}
		ib := array.NewInt64Builder(mem)
		ib.AppendValues(ns, nil)
		return array.NewRecordBatch(schema, []arrow.Array{sb.NewArray(), db.NewArray(), ib.NewArray()}, int64(len(names)))
	}
	return &Result{Schema: schema, Batches: []arrow.RecordBatch{
		batch([]string{"apple", "日本"}, []int64{150, -123456}, []int64{1, 22}, []bool{true, true}),
		batch([]string{""}, []int64{0}, []int64{333}, []bool{false}),
	}}
}

func TestTableFormat(t *testing.T) {
	got := print(t, smallResult(), FormatTable, true)
	want := `+-------+----------+-----+
| name  |    price |   n |
+-------+----------+-----+
| apple |     1.50 |   1 |
| 日本  | -1234.56 |  22 |
| NULL  |     NULL | 333 |
+-------+----------+-----+
3 rows (0.123 s)
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTableFormatEdgeCases(t *testing.T) {
	empty := &Result{Schema: smallResult().Schema}
	if got, want := print(t, empty, FormatTable, false), "+------+-------+---+\n| name | price | n |\n+------+-------+---+\n0 rows\n"; got != want {
		t.Errorf("no rows: got\n%s\nwant\n%s", got, want)
	}
	if got := print(t, &Result{Message: "created table t"}, FormatTable, true); got != "created table t\n" {
		t.Errorf("DDL: got %q", got)
	}
	one := smallResult()
	one.Batches = one.Batches[1:]
	if got := print(t, one, FormatTable, true); !strings.HasSuffix(got, "\n1 row (0.123 s)\n") {
		t.Errorf("one row: got %q", got)
	}
	// Line breaks would break the table's lines.
	mem := memory.NewGoAllocator()
	sb := array.NewStringBuilder(mem)
	sb.Append("a\nb\tc")
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	res := &Result{Schema: schema, Batches: []arrow.RecordBatch{array.NewRecordBatch(schema, []arrow.Array{sb.NewArray()}, 1)}}
	if got := print(t, res, FormatTable, false); !strings.Contains(got, `| a\nb\tc |`) {
		t.Errorf("control characters: got\n%s", got)
	}
}

func TestCSVFormat(t *testing.T) {
	got := print(t, smallResult(), FormatCSV, true)
	want := "name,price,n\r\napple,1.50,1\r\n日本,-1234.56,22\r\n,,333\r\n"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	got = print(t, allTypes(t), FormatCSV, false)
	want = "i8,i16,i32,i64,u8,u16,u32,u64,f32,f64,dec,s,ls,b,d,ts,n\r\n" +
		`-8,-16,-32,-9223372036854775808,8,16,32,18446744073709551615,0.1,1e+21,-0.05,"a ""b"", c","",true,1995-03-15,1998-09-02 13:04:05.12,` + "\r\n" +
		",,,,,,,,,,,,,,,,\r\n"
	if got != want {
		t.Fatalf("every type:\n got %q\nwant %q", got, want)
	}
	if got := print(t, &Result{Message: "dropped table t"}, FormatCSV, true); got != "" {
		t.Errorf("DDL prints nothing in CSV, got %q", got)
	}
}

func TestCSVQuoting(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "a,b": `"a,b"`, `say "hi"`: `"say ""hi"""`, "two\nlines": "\"two\nlines\"",
		" padded": `" padded"`, "padded ": `"padded "`, "": "",
	} {
		var b bytes.Buffer
		writeCSVField(&b, in, false)
		if b.String() != want {
			t.Errorf("%q: got %s, want %s", in, b.String(), want)
		}
	}
}

func TestJSONFormat(t *testing.T) {
	got := print(t, smallResult(), FormatJSON, true)
	want := `[
{"name":"apple","price":1.50,"n":1},
{"name":"日本","price":-1234.56,"n":22},
{"name":null,"price":null,"n":333}
]
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}

	got = print(t, allTypes(t), FormatJSON, false)
	want = `[
{"i8":-8,"i16":-16,"i32":-32,"i64":-9223372036854775808,"u8":8,"u16":16,"u32":32,"u64":18446744073709551615,"f32":0.1,"f64":1e+21,"dec":-0.05,"s":"a \"b\", c","ls":"","b":true,"d":"1995-03-15","ts":"1998-09-02 13:04:05.12","n":null},
{"i8":null,"i16":null,"i32":null,"i64":null,"u8":null,"u16":null,"u32":null,"u64":null,"f32":null,"f64":null,"dec":null,"s":null,"ls":null,"b":null,"d":null,"ts":null,"n":null}
]
`
	if got != want {
		t.Fatalf("every type:\n got %s\nwant %s", got, want)
	}
	// The output is valid JSON, and numbers keep their digits.
	dec := json.NewDecoder(strings.NewReader(got))
	dec.UseNumber()
	var rows []map[string]any
	if err := dec.Decode(&rows); err != nil {
		t.Fatal(err)
	}
	if rows[0]["u64"] != json.Number("18446744073709551615") || rows[0]["dec"] != json.Number("-0.05") {
		t.Errorf("numbers changed: %v %v", rows[0]["u64"], rows[0]["dec"])
	}

	if got := print(t, &Result{Schema: smallResult().Schema}, FormatJSON, false); got != "[]\n" {
		t.Errorf("no rows: got %q", got)
	}
	if got := print(t, &Result{Message: "created table t"}, FormatJSON, false); got != "" {
		t.Errorf("DDL prints nothing in JSON, got %q", got)
	}
}

func TestJSONNonFiniteFloatsAreStrings(t *testing.T) {
	b := array.NewFloat64Builder(memory.NewGoAllocator())
	b.AppendValues([]float64{math.NaN(), math.Inf(1), math.Inf(-1), 2.5}, nil)
	schema := arrow.NewSchema([]arrow.Field{{Name: "f", Type: arrow.PrimitiveTypes.Float64}}, nil)
	res := &Result{Schema: schema, Batches: []arrow.RecordBatch{array.NewRecordBatch(schema, []arrow.Array{b.NewArray()}, 4)}}
	want := "[\n{\"f\":\"NaN\"},\n{\"f\":\"+Inf\"},\n{\"f\":\"-Inf\"},\n{\"f\":2.5}\n]\n"
	if got := print(t, res, FormatJSON, false); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestRowsWritesNullAsGiven(t *testing.T) {
	res := smallResult()
	got := Rows(res.Schema, res.Batches, "NULL")
	if len(got) != 3 || strings.Join(got[2], ",") != "NULL,NULL,333" || strings.Join(got[0], ",") != "apple,1.50,1" {
		t.Fatalf("got %q", got)
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"table", "CSV", "json"} {
		if _, err := ParseFormat(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) {
		t.Errorf("xml: err = %v", err)
	}
}
