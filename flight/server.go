// Package flight is Aloft's Flight SQL front door: a server that runs
// statements on an engine for any Flight SQL client (JDBC, ADBC, arrow-go),
// and a client that the shell uses for `aloft sql --connect`.
//
// This first slice serves ad hoc statements (queries through
// GetFlightInfo/DoGet, everything else through DoPut CommandStatementUpdate),
// GetSchema for statements, the catalog listing (GetCatalogs,
// GetDbSchemas, GetTables, GetTableTypes) and SqlInfo for the server name
// and version. Prepared statements, authentication, TLS and bulk ingest
// come with issue #4.
package flight

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql/schema_ref"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/sql"
)

// The catalog and schema every table lives in: Aloft has one namespace.
const (
	catalogName = "aloft"
	schemaName  = "public"
)

// Options configure a Server.
type Options struct {
	// Name and Version are reported through SqlInfo (default "Aloft", "dev").
	Name, Version string
	// ResultTTL is how long a query result waits for its DoGet (default 5 minutes).
	ResultTTL time.Duration
	// MaxResults bounds the results waiting for their DoGet; when full, the
	// oldest is dropped (default 64).
	MaxResults int
	// Runner, when set, runs the statements (a cluster's coordinator);
	// the engine given to NewServer still answers the catalog listing
	// (GetTables), GetSchema's planning and error classification, so it
	// must hold the same catalog (coordinator.Coordinator.Engine).
	// Default: the engine itself.
	Runner Runner
}

// Runner runs SQL text: *engine.Engine, or a coordinator that runs queries
// on its executors.
type Runner interface {
	Execute(ctx context.Context, sql string) (*engine.Result, error)
}

// Server serves Flight SQL on an engine. A query runs when its FlightInfo is
// asked for; the result waits under a random handle (the endpoint's ticket)
// until it is fetched once, or until ResultTTL.
type Server struct {
	flightsql.BaseServer
	eng     *engine.Engine
	run     Runner
	results *resultStore
}

// NewServer returns a Flight SQL server over eng (statements run on
// opts.Runner when set).
func NewServer(eng *engine.Engine, opts Options) (*Server, error) {
	if eng == nil {
		return nil, fmt.Errorf("flight: nil engine")
	}
	if opts.Name == "" {
		opts.Name = "Aloft"
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	if opts.ResultTTL <= 0 {
		opts.ResultTTL = 5 * time.Minute
	}
	if opts.MaxResults <= 0 {
		opts.MaxResults = 64
	}
	run := opts.Runner
	if run == nil {
		run = eng
	}
	s := &Server{eng: eng, run: run, results: newResultStore(opts.ResultTTL, opts.MaxResults)}
	s.Alloc = memory.DefaultAllocator
	for id, v := range map[flightsql.SqlInfo]any{
		flightsql.SqlInfoFlightSqlServerName:         opts.Name,
		flightsql.SqlInfoFlightSqlServerVersion:      opts.Version,
		flightsql.SqlInfoFlightSqlServerArrowVersion: "18",
		flightsql.SqlInfoFlightSqlServerReadOnly:     false,
		flightsql.SqlInfoFlightSqlServerSql:          true,
		flightsql.SqlInfoFlightSqlServerSubstrait:    false,
		flightsql.SqlInfoFlightSqlServerTransaction:  int32(0), // SqlSupportedTransaction NONE
		flightsql.SqlInfoFlightSqlServerCancel:       false,
	} {
		if err := s.RegisterSqlInfo(id, v); err != nil {
			return nil, fmt.Errorf("flight: SqlInfo %v: %w", id, err)
		}
	}
	return s, nil
}

// emptySchema is the result schema of a statement that returns no rows
// (DDL run through the query path).
var emptySchema = arrow.NewSchema(nil, nil)

// GetFlightInfoStatement runs the query and returns one endpoint whose
// ticket is the handle of the waiting result.
func (s *Server) GetFlightInfoStatement(ctx context.Context, cmd flightsql.StatementQuery, desc *flight.FlightDescriptor) (_ *flight.FlightInfo, err error) {
	defer recoverTo(&err)
	res, err := execute(ctx, s.run, s.eng, cmd.GetQuery())
	if err != nil {
		return nil, err
	}
	schema := res.Schema
	if schema == nil {
		schema = emptySchema
	}
	handle := s.results.put(schema, res.Batches)
	ticket, err := flightsql.CreateStatementQueryTicket(handle)
	if err != nil {
		s.results.take(handle)
		return nil, status.Errorf(codes.Internal, "ticket: %v", err)
	}
	return &flight.FlightInfo{
		Schema:           flight.SerializeSchema(schema, s.Alloc),
		FlightDescriptor: desc,
		Endpoint:         []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: ticket}}},
		TotalRecords:     res.NumRows(),
		TotalBytes:       -1,
	}, nil
}

// GetSchemaStatement returns a query's result schema. It plans the query
// without running it.
func (s *Server) GetSchemaStatement(ctx context.Context, cmd flightsql.StatementQuery, _ *flight.FlightDescriptor) (_ *flight.SchemaResult, err error) {
	defer recoverTo(&err)
	schema, err := planSchema(ctx, s.eng, cmd.GetQuery())
	if err != nil {
		return nil, err
	}
	return &flight.SchemaResult{Schema: flight.SerializeSchema(schema, s.Alloc)}, nil
}

// DoGetStatement streams a waiting result and forgets it.
func (s *Server) DoGetStatement(ctx context.Context, ticket flightsql.StatementQueryTicket) (_ *arrow.Schema, _ <-chan flight.StreamChunk, err error) {
	defer recoverTo(&err)
	r, ok := s.results.take(ticket.GetStatementHandle())
	if !ok {
		return nil, nil, status.Error(codes.NotFound, "unknown or expired statement handle (results can be fetched once)")
	}
	return r.schema, streamBatches(r.batches), nil
}

// DoPutCommandStatementUpdate runs DDL and DML and returns the rows
// affected: the count of "N rows inserted/updated/deleted", 0 for DDL.
func (s *Server) DoPutCommandStatementUpdate(ctx context.Context, cmd flightsql.StatementUpdate) (_ int64, err error) {
	defer recoverTo(&err)
	res, err := execute(ctx, s.run, s.eng, cmd.GetQuery())
	if err != nil {
		return 0, err
	}
	if res.Message == "" && res.Schema != nil {
		return res.NumRows(), nil // a query sent as an update: its row count
	}
	setMessage(ctx, res.Message)
	return affectedRows(res.Message), nil
}

var affectedRE = regexp.MustCompile(`^(\d+) rows? (inserted|updated|deleted)`)

// affectedRows reads the count of a DML message ("3 rows inserted"); 0 for
// anything else (DDL).
func affectedRows(msg string) int64 {
	m := affectedRE.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// GetFlightInfoCatalogs: the one catalog, "aloft".
func (s *Server) GetFlightInfoCatalogs(_ context.Context, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metadataInfo(desc, schema_ref.Catalogs)
}

func (s *Server) DoGetCatalogs(context.Context) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	b := array.NewRecordBuilder(s.Alloc, schema_ref.Catalogs)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).Append(catalogName)
	return schema_ref.Catalogs, streamOne(b.NewRecordBatch()), nil
}

// GetFlightInfoSchemas: the one schema, "public".
func (s *Server) GetFlightInfoSchemas(_ context.Context, _ flightsql.GetDBSchemas, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metadataInfo(desc, schema_ref.DBSchemas)
}

func (s *Server) DoGetDBSchemas(_ context.Context, cmd flightsql.GetDBSchemas) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	b := array.NewRecordBuilder(s.Alloc, schema_ref.DBSchemas)
	defer b.Release()
	if matchCatalog(cmd.GetCatalog()) && likeMatch(cmd.GetDBSchemaFilterPattern(), schemaName) {
		b.Field(0).(*array.StringBuilder).Append(catalogName)
		b.Field(1).(*array.StringBuilder).Append(schemaName)
	}
	return schema_ref.DBSchemas, streamOne(b.NewRecordBatch()), nil
}

// GetFlightInfoTableTypes: "TABLE" and "VIEW".
func (s *Server) GetFlightInfoTableTypes(_ context.Context, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metadataInfo(desc, schema_ref.TableTypes)
}

func (s *Server) DoGetTableTypes(context.Context) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	b := array.NewRecordBuilder(s.Alloc, schema_ref.TableTypes)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"TABLE", "VIEW"}, nil)
	return schema_ref.TableTypes, streamOne(b.NewRecordBatch()), nil
}

// GetFlightInfoTables lists the tables (with their Arrow schemas when asked).
func (s *Server) GetFlightInfoTables(_ context.Context, cmd flightsql.GetTables, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.metadataInfo(desc, tablesSchema(cmd))
}

func tablesSchema(cmd flightsql.GetTables) *arrow.Schema {
	if cmd.GetIncludeSchema() {
		return schema_ref.TablesWithIncludedSchema
	}
	return schema_ref.Tables
}

func (s *Server) DoGetTables(_ context.Context, cmd flightsql.GetTables) (_ *arrow.Schema, _ <-chan flight.StreamChunk, err error) {
	defer recoverTo(&err)
	schema := tablesSchema(cmd)
	b := array.NewRecordBuilder(s.Alloc, schema)
	defer b.Release()
	cat := s.eng.Catalog()
	if matchCatalog(cmd.GetCatalog()) && likeMatch(cmd.GetDBSchemaFilterPattern(), schemaName) {
		for _, name := range cat.Names() {
			if !likeMatch(cmd.GetTableNameFilterPattern(), name) {
				continue
			}
			kind := "TABLE"
			if cat.IsView(name) {
				kind = "VIEW"
			}
			if types := cmd.GetTableTypes(); len(types) > 0 && !containsFold(types, kind) {
				continue
			}
			var tableSchema *arrow.Schema
			if cmd.GetIncludeSchema() {
				t, err := cat.Lookup(name)
				if err != nil {
					continue // dropped since Names
				}
				tableSchema = t.Schema()
			}
			b.Field(0).(*array.StringBuilder).Append(catalogName)
			b.Field(1).(*array.StringBuilder).Append(schemaName)
			b.Field(2).(*array.StringBuilder).Append(name)
			b.Field(3).(*array.StringBuilder).Append(kind)
			if tableSchema != nil {
				b.Field(4).(*array.BinaryBuilder).Append(flight.SerializeSchema(tableSchema, s.Alloc))
			}
		}
	}
	return schema, streamOne(b.NewRecordBatch()), nil
}

// metadataInfo is the FlightInfo of a metadata command: one endpoint whose
// ticket is the command itself.
func (s *Server) metadataInfo(desc *flight.FlightDescriptor, schema *arrow.Schema) (*flight.FlightInfo, error) {
	return &flight.FlightInfo{
		Schema:           flight.SerializeSchema(schema, s.Alloc),
		FlightDescriptor: desc,
		Endpoint:         []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: desc.Cmd}}},
		TotalRecords:     -1,
		TotalBytes:       -1,
	}, nil
}

// matchCatalog: no catalog given, or ours ("" means tables without one,
// which Aloft has none of).
func matchCatalog(c *string) bool { return c == nil || *c == catalogName }

// likeMatch matches name against a SQL LIKE pattern (% and _, with \
// escapes); a nil pattern matches everything.
func likeMatch(pattern *string, name string) bool {
	if pattern == nil {
		return true
	}
	var re strings.Builder
	re.WriteString("(?s)^")
	p := *pattern
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '%':
			re.WriteString(".*")
		case '_':
			re.WriteString(".")
		case '\\':
			if i+1 < len(p) {
				i++
				re.WriteString(regexp.QuoteMeta(p[i : i+1]))
			}
		default:
			re.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	re.WriteString("$")
	ok, err := regexp.MatchString(re.String(), name)
	return err == nil && ok
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// streamBatches sends batches on a channel. The Flight SQL DoGet releases
// every batch it sends, so each is retained first: the engine's batches may
// be shared (in-memory tables).
func streamBatches(batches []arrow.RecordBatch) <-chan flight.StreamChunk {
	ch := make(chan flight.StreamChunk, len(batches))
	for _, b := range batches {
		b.Retain()
		ch <- flight.StreamChunk{Data: b}
	}
	close(ch)
	return ch
}

func streamOne(b arrow.RecordBatch) <-chan flight.StreamChunk {
	ch := make(chan flight.StreamChunk, 1)
	ch <- flight.StreamChunk{Data: b}
	close(ch)
	return ch
}

// planSchema returns the schema of a statement's result without running a
// query: queries are planned; SHOW, DESCRIBE and EXPLAIN are cheap and run;
// other statements return no rows (the empty schema).
func planSchema(ctx context.Context, eng *engine.Engine, sqlText string) (_ *arrow.Schema, err error) {
	defer recoverTo(&err)
	stmts, err := sql.Parse(sqlText)
	if err != nil {
		return nil, toStatus(&invalidArgument{err})
	}
	if len(stmts) != 1 {
		return nil, status.Errorf(codes.InvalidArgument, "GetSchema takes one statement, got %d", len(stmts))
	}
	switch stmts[0].(type) {
	case *sql.Query:
		plan, err := eng.PhysicalPlan(ctx, sqlText)
		if err != nil {
			return nil, toStatus(classify(stmts, eng, err))
		}
		return plan.Schema(), nil
	case *sql.ShowTables, *sql.Describe, *sql.Explain:
		res, err := execute(ctx, eng, eng, sqlText)
		if err != nil {
			return nil, err
		}
		return res.Schema, nil
	}
	return emptySchema, nil
}
