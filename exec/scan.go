package exec

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/aloftdb/aloft/catalog"
)

// ScanExec reads a catalog.Table. Split i goes to partition i % partitions;
// each partition reads its splits one after another.
type ScanExec struct {
	tableName  string
	table      catalog.Table
	splits     []catalog.Split
	columns    []int
	schema     *arrow.Schema
	filter     catalog.Filter
	filterText string
	partitions int
}

// NewScanExec returns a scan of table producing columns (indexes into the
// table schema) as schema. filter, when not nil, is evaluated by the reader
// and trusted. partitions is capped at len(splits) and is at least 1.
func NewScanExec(tableName string, table catalog.Table, splits []catalog.Split, columns []int, schema *arrow.Schema, filter catalog.Filter, filterText string, partitions int) *ScanExec {
	if partitions > len(splits) {
		partitions = len(splits)
	}
	if partitions < 1 {
		partitions = 1
	}
	return &ScanExec{tableName: tableName, table: table, splits: splits, columns: columns, schema: schema,
		filter: filter, filterText: filterText, partitions: partitions}
}

func (e *ScanExec) Schema() *arrow.Schema { return e.schema }
func (e *ScanExec) Children() []Exec      { return nil }
func (e *ScanExec) Partitions() int       { return e.partitions }

// Table, Splits and Columns expose what the scan reads (for the distributed planner).
func (e *ScanExec) Table() catalog.Table    { return e.table }
func (e *ScanExec) Splits() []catalog.Split { return e.splits }
func (e *ScanExec) Columns() []int          { return e.columns }
func (e *ScanExec) Filter() catalog.Filter  { return e.filter }
func (e *ScanExec) TableName() string       { return e.tableName }

func (e *ScanExec) String() string {
	names := make([]string, e.schema.NumFields())
	for i, f := range e.schema.Fields() {
		names[i] = f.Name
	}
	s := fmt.Sprintf("ScanExec: %s columns=[%s] splits=%d partitions=%d", e.tableName, strings.Join(names, ", "), len(e.splits), e.partitions)
	if e.filter != nil {
		s += " filter=" + e.filterText
	}
	return s
}

func (e *ScanExec) Execute(ctx *TaskContext, partition int) (Stream, error) {
	if err := checkPartition(e, partition); err != nil {
		return nil, err
	}
	var mine []catalog.Split
	for i := partition; i < len(e.splits); i += e.partitions {
		mine = append(mine, e.splits[i])
	}
	return &scanStream{e: e, ctx: ctx, splits: mine}, nil
}

type scanStream struct {
	e      *ScanExec
	ctx    *TaskContext
	splits []catalog.Split
	next   int
	cur    catalog.BatchReader
	curS   catalog.Split
}

func (s *scanStream) Next() (arrow.RecordBatch, error) {
	for {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		if s.cur == nil {
			if s.next >= len(s.splits) {
				return nil, nil
			}
			s.curS = s.splits[s.next]
			s.next++
			r, err := s.e.table.Open(s.ctx.Ctx, s.curS, catalog.ScanOptions{
				Columns: s.e.columns, Filter: s.e.filter, BatchSize: s.ctx.BatchSize,
			})
			if err != nil {
				return nil, fmt.Errorf("ScanExec %s: opening %s: %w", s.e.tableName, s.curS, err)
			}
			s.cur = r
		}
		b, err := s.cur.Next()
		if err != nil {
			return nil, fmt.Errorf("ScanExec %s: reading %s: %w", s.e.tableName, s.curS, err)
		}
		if b == nil {
			err := s.cur.Close()
			s.cur = nil
			if err != nil {
				return nil, fmt.Errorf("ScanExec %s: closing %s: %w", s.e.tableName, s.curS, err)
			}
			continue
		}
		if b.NumRows() == 0 {
			b.Release()
			continue
		}
		if b.Schema() != s.e.schema {
			// Readers name columns after the table; the plan may use other names.
			nb, err := opBatch(s.e.schema, b.Columns(), b.NumRows())
			b.Release()
			if err != nil {
				return nil, fmt.Errorf("ScanExec %s: reading %s: %w", s.e.tableName, s.curS, err)
			}
			b = nb
		}
		return b, nil
	}
}

func (s *scanStream) Close() {
	if s.cur != nil {
		_ = s.cur.Close() // the error cannot change an abandoned read's outcome
		s.cur = nil
	}
}
