package flight

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql/schema_ref"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/aloftdb/aloft/cli"
	"github.com/aloftdb/aloft/engine"
)

// startServer serves an engine with table "people" (a CSV file) on
// localhost:0 and returns a connected flightsql client and the address.
func startServer(t *testing.T) (*flightsql.Client, string) {
	t.Helper()
	dir := t.TempDir()
	csv := "id,name,age\n1,ann,31\n2,bob,25\n3,cy,47\n"
	path := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Options{Partitions: 2})
	if _, err := eng.Execute(context.Background(), fmt.Sprintf("CREATE EXTERNAL TABLE people STORED AS CSV LOCATION '%s'", path)); err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(eng, Options{Name: "Aloft", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	gs, lis, err := Serve("localhost:0", srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gs.Stop)
	c, err := flightsql.NewClient(lis.Addr().String(), nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, lis.Addr().String()
}

// fetch reads every endpoint of info and returns the schema and the rows
// as strings.
func fetch(t *testing.T, c *flightsql.Client, info *flight.FlightInfo) (*arrow.Schema, [][]string) {
	t.Helper()
	var schema *arrow.Schema
	var rows [][]string
	for _, ep := range info.Endpoint {
		rdr, err := c.DoGet(context.Background(), ep.Ticket)
		if err != nil {
			t.Fatal(err)
		}
		schema = rdr.Schema()
		for rdr.Next() {
			b := rdr.RecordBatch()
			for i := 0; i < int(b.NumRows()); i++ {
				var row []string
				for _, col := range b.Columns() {
					row = append(row, col.ValueStr(i))
				}
				rows = append(rows, row)
			}
		}
		if err := rdr.Err(); err != nil {
			t.Fatal(err)
		}
		rdr.Release()
	}
	return schema, rows
}

func query(t *testing.T, c *flightsql.Client, q string) (*arrow.Schema, [][]string) {
	t.Helper()
	info, err := c.Execute(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	schema, rows := fetch(t, c, info)
	if want, err := flight.DeserializeSchema(info.Schema, nil); err != nil || !want.Equal(schema) {
		t.Errorf("%s: FlightInfo schema %v differs from DoGet schema %v (%v)", q, want, schema, err)
	}
	return schema, rows
}

func TestQuery(t *testing.T) {
	c, _ := startServer(t)
	schema, rows := query(t, c, "SELECT name, age FROM people WHERE age > 30 ORDER BY id")
	if got := fmt.Sprint(rows); got != "[[ann 31] [cy 47]]" {
		t.Errorf("rows %s", got)
	}
	if schema.NumFields() != 2 || schema.Field(0).Name != "name" {
		t.Errorf("schema %v", schema)
	}
	// A result is fetched once.
	info, err := c.Execute(context.Background(), "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	fetch(t, c, info)
	rdr, err := c.DoGet(context.Background(), info.Endpoint[0].Ticket)
	if err == nil {
		for rdr.Next() {
		}
		err = rdr.Err()
	}
	if status.Code(err) != codes.NotFound {
		t.Errorf("second DoGet: %v, want NotFound", err)
	}
}

func TestEmptyResultCarriesSchema(t *testing.T) {
	c, _ := startServer(t)
	schema, rows := query(t, c, "SELECT id, name FROM people WHERE age > 100")
	if len(rows) != 0 {
		t.Errorf("rows %v", rows)
	}
	if schema == nil || schema.NumFields() != 2 || schema.Field(1).Name != "name" {
		t.Errorf("schema %v", schema)
	}
	res, err := c.GetExecuteSchema(context.Background(), "SELECT id, name FROM people WHERE false")
	if err != nil {
		t.Fatal(err)
	}
	s, err := flight.DeserializeSchema(res.Schema, nil)
	if err != nil || s.NumFields() != 2 {
		t.Errorf("GetSchema: %v %v", s, err)
	}
}

func TestUpdates(t *testing.T) {
	c, _ := startServer(t)
	ctx := context.Background()
	for _, tc := range []struct {
		sql  string
		want int64
	}{
		{"CREATE TABLE t (a INT, b VARCHAR(10))", 0},
		{"INSERT INTO t VALUES (1, 'x'), (2, 'y')", 2},
		{"INSERT INTO t SELECT id, name FROM people", 3},
	} {
		n, err := c.ExecuteUpdate(ctx, tc.sql)
		if err != nil || n != tc.want {
			t.Fatalf("%s: %d, %v; want %d", tc.sql, n, err, tc.want)
		}
	}
	if _, rows := query(t, c, "SELECT count(*) FROM t"); rows[0][0] != "5" {
		t.Errorf("count %v", rows)
	}
	if _, err := c.ExecuteUpdate(ctx, "DROP TABLE t"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Execute(ctx, "SELECT * FROM t"); status.Code(err) != codes.NotFound {
		t.Errorf("after DROP: %v, want NotFound", err)
	}
}

func TestErrors(t *testing.T) {
	c, _ := startServer(t)
	ctx := context.Background()
	_, err := c.Execute(ctx, "SELEC 1")
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "line 1, column 1") {
		t.Errorf("syntax error: %v", err)
	}
	_, err = c.Execute(ctx, "SELECT nosuch FROM people")
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), `unknown column "nosuch"`) {
		t.Errorf("binding error: %v", err)
	}
	_, err = c.Execute(ctx, "SELECT * FROM nosuch")
	if status.Code(err) != codes.NotFound {
		t.Errorf("unknown table: %v", err)
	}
	_, err = c.ExecuteUpdate(ctx, "INSERT INTO nosuch VALUES (1)")
	if status.Code(err) != codes.NotFound {
		t.Errorf("insert into unknown table: %v", err)
	}
	_, err = c.GetExecuteSchema(ctx, "SELECT * FROM")
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("GetSchema syntax error: %v", err)
	}
	// A ticket that is no Flight SQL command at all.
	rdr, err := c.DoGet(ctx, &flight.Ticket{Ticket: []byte("garbage")})
	if err == nil {
		for rdr.Next() {
		}
		err = rdr.Err()
	}
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("garbage ticket: %v", err)
	}
	// Still serving.
	if _, rows := query(t, c, "SELECT count(*) FROM people"); rows[0][0] != "3" {
		t.Errorf("after errors: %v", rows)
	}
}

func TestCatalogListing(t *testing.T) {
	c, _ := startServer(t)
	ctx := context.Background()
	check := func(name string, info *flight.FlightInfo, err error, want *arrow.Schema) [][]string {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		schema, rows := fetch(t, c, info)
		if !schema.Equal(want) {
			t.Errorf("%s: schema %v, want %v", name, schema, want)
		}
		return rows
	}
	info, err := c.GetTables(ctx, &flightsql.GetTablesOpts{})
	if rows := check("GetTables", info, err, schema_ref.Tables); fmt.Sprint(rows) != "[[aloft public people TABLE]]" {
		t.Errorf("GetTables rows %v", rows)
	}
	pattern := "peo%"
	info, err = c.GetTables(ctx, &flightsql.GetTablesOpts{TableNameFilterPattern: &pattern, IncludeSchema: true})
	rows := check("GetTables with schema", info, err, schema_ref.TablesWithIncludedSchema)
	if len(rows) != 1 {
		t.Fatalf("GetTables with schema: %v", rows)
	}
	none := "x%"
	info, err = c.GetTables(ctx, &flightsql.GetTablesOpts{TableNameFilterPattern: &none})
	if rows := check("GetTables no match", info, err, schema_ref.Tables); len(rows) != 0 {
		t.Errorf("no match: %v", rows)
	}
	info, err = c.GetCatalogs(ctx)
	if rows := check("GetCatalogs", info, err, schema_ref.Catalogs); fmt.Sprint(rows) != "[[aloft]]" {
		t.Errorf("GetCatalogs %v", rows)
	}
	info, err = c.GetDBSchemas(ctx, &flightsql.GetDBSchemasOpts{})
	if rows := check("GetDBSchemas", info, err, schema_ref.DBSchemas); fmt.Sprint(rows) != "[[aloft public]]" {
		t.Errorf("GetDBSchemas %v", rows)
	}
	info, err = c.GetTableTypes(ctx)
	if rows := check("GetTableTypes", info, err, schema_ref.TableTypes); fmt.Sprint(rows) != "[[TABLE] [VIEW]]" {
		t.Errorf("GetTableTypes %v", rows)
	}
	info, err = c.GetSqlInfo(ctx, []flightsql.SqlInfo{flightsql.SqlInfoFlightSqlServerName, flightsql.SqlInfoFlightSqlServerVersion})
	if rows := check("GetSqlInfo", info, err, schema_ref.SqlInfo); len(rows) != 2 {
		t.Errorf("GetSqlInfo %v", rows)
	}
}

// TestClient runs statements through Client, as `aloft sql --connect` does,
// and prints them as local mode would.
func TestClient(t *testing.T) {
	_, addr := startServer(t)
	c, err := Dial("grpc://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out strings.Builder
	sh := &cli.Shell{Exec: c.Execute, Out: &out, Err: &out, Format: cli.FormatCSV}
	err = sh.RunText(context.Background(), "CREATE TABLE t (a INT); INSERT INTO t VALUES (7); SELECT a FROM t; SELECT name FROM people WHERE id = 2")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "a\r\n7\r\nname\r\nbob\r\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	res, err := c.Execute(context.Background(), "CREATE TABLE u (a INT)")
	if err != nil || res.Message != "created table u" {
		t.Errorf("DDL message %+v, %v", res, err)
	}
	_, err = c.Execute(context.Background(), "SELECT * FROM nosuch")
	if err == nil || err.Error() != `table "nosuch" does not exist` {
		t.Errorf("error %v", err)
	}
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) {
		t.Errorf("client error keeps its gRPC wrapping: %v", err)
	}
}

func TestIsQuery(t *testing.T) {
	for s, want := range map[string]bool{
		"select 1": true, "  -- c\n/* x */ WITH a AS (SELECT 1) SELECT * FROM a": true,
		"(SELECT 1)": true, "show tables": true, "DESCRIBE t": true, "EXPLAIN SELECT 1": true,
		"INSERT INTO t VALUES (1)": false, "create table t (a int)": false, "DROP TABLE t": false, "": false,
	} {
		if IsQuery(s) != want {
			t.Errorf("IsQuery(%q) = %v", s, !want)
		}
	}
}

var _ = array.NewRecordBuilder
