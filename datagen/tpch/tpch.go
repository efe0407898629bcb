// Package tpch generates the eight TPC-H tables as Parquet files.
//
// Rows come from the Go port of the TPC-H dbgen tool
// (github.com/pingcap/go-tpc/tpch/dbgen), so they are exactly dbgen's rows:
// orders and lineitem are produced together by dbgen's combined order/line
// generator and part and partsupp by the combined part/partsupp generator,
// just like `go-tpc tpch prepare` does. Each table is written with arrow-go's
// pqarrow writer to OUTDIR/<table>.parquet (snappy, dictionary encoding,
// min/max statistics, fixed-size row groups, Arrow schema stored in the file
// metadata).
//
// Scale factors: integers >= 1, or fractions below 1 that are multiples of
// 0.001 (0.001, 0.01, 0.1, 0.5, ...). Fractional scales are handled the same
// way as the C dbgen does it (scale 1 with every per-table base row count
// multiplied by SF), so SF 0.01 gives the usual 1500 customers, 15000 orders,
// 60175 lineitems, ... with keys that stay consistent between tables.
//
// dbgen keeps its state in package-level variables, so Generate calls are
// serialised by a package mutex. The first Generate call in a process also
// builds dbgen's 300 MB text pool (~9 s), which then stays in memory and is
// reused by later calls. The dbgen port prints "generating ..." progress
// lines to stdout; that cannot be turned off without modifying it.
package tpch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/pingcap/go-tpc/tpch/dbgen"
)

// DefaultRowGroupRows is the number of rows per Parquet row group used when
// Options.RowGroupRows is 0.
const DefaultRowGroupRows = 131072

// Options for Generate.
type Options struct {
	// ScaleFactor: an integer >= 1, or a multiple of 0.001 below 1
	// (e.g. 0.01, 0.1).
	ScaleFactor float64
	// OutDir receives <table>.parquet files; it is created if missing.
	OutDir string
	// RowGroupRows is the number of rows per Parquet row group (every row
	// group has exactly this many rows except the last one of a file).
	// Default DefaultRowGroupRows when 0.
	RowGroupRows int64
	// Tables selects a subset by name ("lineitem", ...); nil = all 8.
	Tables []string
	// Progress, if non-nil, is called after every row group written with the
	// table name and the number of rows written to it so far. Calls are
	// serialised (never concurrent) but come from background goroutines.
	Progress func(table string, rows int64)
}

// genMu serialises Generate: dbgen's state is global.
var genMu sync.Mutex

// Generate writes the requested TPC-H tables at the requested scale to
// opts.OutDir. Each file is written under a temporary name and renamed to
// <table>.parquet only after every requested table was written successfully;
// on error no temporary files are left behind.
func Generate(ctx context.Context, opts Options) (retErr error) {
	if ctx == nil {
		ctx = context.Background()
	}
	intScale, milli, err := parseScale(opts.ScaleFactor)
	if err != nil {
		return err
	}
	if opts.OutDir == "" {
		return errors.New("tpch: Options.OutDir is empty")
	}
	rgRows := opts.RowGroupRows
	if rgRows == 0 {
		rgRows = DefaultRowGroupRows
	}
	if rgRows < 0 {
		return fmt.Errorf("tpch: invalid RowGroupRows %d", opts.RowGroupRows)
	}
	want := map[string]bool{}
	if opts.Tables == nil {
		for _, t := range tableNames {
			want[t] = true
		}
	} else {
		for _, t := range opts.Tables {
			if _, ok := schemas[t]; !ok {
				return fmt.Errorf("tpch: unknown table %q", t)
			}
			want[t] = true
		}
	}
	if len(want) == 0 {
		return nil
	}
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return fmt.Errorf("tpch: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	genMu.Lock()
	defer genMu.Unlock()

	r := &run{ctx: ctx, abort: make(chan struct{}), progress: opts.Progress}
	outs := map[string]*tableOut{}
	defer func() {
		// Make sure every writer goroutine terminates, then either publish
		// the files or remove the temporaries.
		if retErr != nil {
			r.fail(retErr)
		}
		for _, t := range tableNames {
			if o := outs[t]; o != nil {
				o.closeInput()
			}
		}
		for _, t := range tableNames {
			if o := outs[t]; o != nil {
				<-o.done
				if o.err != nil && retErr == nil {
					retErr = o.err
				}
			}
		}
		if retErr == nil {
			retErr = r.firstErr()
		}
		for _, t := range tableNames {
			o := outs[t]
			if o == nil {
				continue
			}
			if retErr == nil {
				if err := os.Rename(o.tmpPath, o.finalPath); err != nil {
					retErr = fmt.Errorf("tpch: %w", err)
				}
			}
		}
		if retErr != nil {
			for _, o := range outs {
				os.Remove(o.tmpPath)
			}
		}
	}()

	for _, t := range tableNames {
		if !want[t] {
			continue
		}
		o, err := newTableOut(r, t, opts.OutDir, rgRows)
		if err != nil {
			return err
		}
		outs[t] = o
	}

	resetDbgen(intScale, milli)

	nop := nopLoader{}
	loaders := map[dbgen.Table]dbgen.Loader{
		dbgen.TRegion: nop, dbgen.TNation: nop, dbgen.TSupp: nop, dbgen.TCust: nop,
		dbgen.TPart: nop, dbgen.TPsupp: nop, dbgen.TOrder: nop, dbgen.TLine: nop,
	}
	if o := outs[Region]; o != nil {
		loaders[dbgen.TRegion] = newRegionLoader(o)
	}
	if o := outs[Nation]; o != nil {
		loaders[dbgen.TNation] = newNationLoader(o)
	}
	if o := outs[Supplier]; o != nil {
		loaders[dbgen.TSupp] = newSupplierLoader(o)
	}
	if o := outs[Customer]; o != nil {
		loaders[dbgen.TCust] = newCustomerLoader(o)
	}
	if o := outs[Part]; o != nil {
		loaders[dbgen.TPart] = newPartLoader(o)
	}
	if o := outs[PartSupp]; o != nil {
		loaders[dbgen.TPsupp] = newPartSuppLoader(o)
	}
	if o := outs[Orders]; o != nil {
		loaders[dbgen.TOrder] = newOrdersLoader(o)
	}
	if o := outs[Lineitem]; o != nil {
		loaders[dbgen.TLine] = newLineitemLoader(o)
	}

	// Same table order as go-tpc's `tpch prepare`. Every dbgen table uses
	// its own random streams, so generating a subset yields the same rows.
	steps := []struct {
		gen    dbgen.Table
		tables []string
	}{
		{dbgen.TNation, []string{Nation}},
		{dbgen.TRegion, []string{Region}},
		{dbgen.TCust, []string{Customer}},
		{dbgen.TSupp, []string{Supplier}},
		{dbgen.TPartPsupp, []string{Part, PartSupp}},
		{dbgen.TOrderLine, []string{Orders, Lineitem}},
	}
	for _, st := range steps {
		var stepOuts []*tableOut
		for _, t := range st.tables {
			if o := outs[t]; o != nil {
				stepOuts = append(stepOuts, o)
			}
		}
		if len(stepOuts) == 0 {
			continue
		}
		if err := dbgen.DbGen(loaders, []dbgen.Table{st.gen}); err != nil {
			if e := r.firstErr(); e != nil {
				return e
			}
			return fmt.Errorf("tpch: %w", err)
		}
		for _, o := range stepOuts {
			if err := o.flush(); err != nil {
				return err
			}
			o.closeInput()
		}
	}
	return nil
}

// parseScale validates a scale factor and returns dbgen's integer scale and,
// for SF < 1, int(1000*SF).
func parseScale(sf float64) (intScale, milli int64, err error) {
	switch {
	case math.IsNaN(sf) || math.IsInf(sf, 0) || sf <= 0:
		return 0, 0, fmt.Errorf("tpch: invalid scale factor %v", sf)
	case sf >= 1:
		if sf != math.Trunc(sf) || sf > 100000 {
			return 0, 0, fmt.Errorf("tpch: scale factor %v: scale factors >= 1 must be integers", sf)
		}
		return int64(sf), 0, nil
	default:
		m := math.Round(sf * 1000)
		if m < 1 || math.Abs(m-sf*1000) > 1e-6 {
			return 0, 0, fmt.Errorf("tpch: scale factor %v: scale factors below 1 must be multiples of 0.001", sf)
		}
		return 1, int64(m), nil
	}
}

// run is the shared state of one Generate call.
type run struct {
	ctx      context.Context
	mu       sync.Mutex
	err      error
	abort    chan struct{} // closed on first error
	progMu   sync.Mutex
	progress func(string, int64)
}

func (r *run) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
		close(r.abort)
	}
}

func (r *run) firstErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func (r *run) report(table string, rows int64) {
	if r.progress == nil {
		return
	}
	r.progMu.Lock()
	defer r.progMu.Unlock()
	r.progress(table, rows)
}

// tableOut accumulates the rows of one table into Arrow builders (on the
// dbgen goroutine) and hands complete row groups to a writer goroutine.
type tableOut struct {
	r         *run
	name      string
	rb        *array.RecordBuilder
	batchRows int64
	n         int64 // rows in the current batch
	ch        chan arrow.RecordBatch
	chClosed  bool

	// writer side
	tmpPath   string
	finalPath string
	file      *os.File
	buf       *bufio.Writer
	fw        *pqarrow.FileWriter
	written   int64
	done      chan struct{}
	err       error // writer result, valid after done is closed
}

// writerProps are the Parquet settings of every file.
func writerProps(rgRows int64) (*parquet.WriterProperties, pqarrow.ArrowWriterProperties) {
	props := parquet.NewWriterProperties(
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithDictionaryDefault(true),
		parquet.WithStats(true),
		parquet.WithMaxRowGroupLength(rgRows),
		// DECIMAL(15,2) stored as INT64 (precision <= 18): smaller, and its
		// min/max statistics are plain signed integers (unscaled cents).
		parquet.WithStoreDecimalAsInteger(true),
		parquet.WithCreatedBy("aloft datagen/tpch (go-tpc dbgen)"),
	)
	return props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())
}

func newTableOut(r *run, name, dir string, rgRows int64) (*tableOut, error) {
	schema := schemas[name]
	f, err := os.CreateTemp(dir, "."+name+".parquet.*.tmp")
	if err != nil {
		return nil, fmt.Errorf("tpch: %w", err)
	}
	// CreateTemp uses 0600; make the final file readable like os.Create would.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("tpch: %w", err)
	}
	o := &tableOut{
		r:         r,
		name:      name,
		rb:        array.NewRecordBuilder(memory.DefaultAllocator, schema),
		batchRows: rgRows,
		ch:        make(chan arrow.RecordBatch, 2),
		tmpPath:   f.Name(),
		finalPath: filepath.Join(dir, name+".parquet"),
		file:      f,
		buf:       bufio.NewWriterSize(f, 1<<20),
		done:      make(chan struct{}),
	}
	props, arrProps := writerProps(rgRows)
	// bufio.Writer is not an io.Closer, so the parquet writer will not close
	// the file; writeLoop does.
	o.fw, err = pqarrow.NewFileWriter(schema, o.buf, props, arrProps)
	if err != nil {
		f.Close()
		os.Remove(o.tmpPath)
		return nil, fmt.Errorf("tpch: %s: %w", name, err)
	}
	o.rb.Reserve(int(min(rgRows, 1<<20)))
	go o.writeLoop()
	return o, nil
}

// endRow is called by the loaders after appending one row.
func (o *tableOut) endRow() error {
	o.n++
	if o.n >= o.batchRows {
		return o.flush()
	}
	return nil
}

// flush sends the current batch (if any) to the writer.
func (o *tableOut) flush() error {
	if err := o.r.ctx.Err(); err != nil {
		o.r.fail(err)
		return err
	}
	if o.n == 0 {
		return nil
	}
	rec := o.rb.NewRecordBatch()
	o.n = 0
	select {
	case o.ch <- rec:
	case <-o.r.abort:
		rec.Release()
		return o.r.firstErr()
	}
	o.rb.Reserve(int(min(o.batchRows, 1<<20)))
	return nil
}

func (o *tableOut) closeInput() {
	if !o.chClosed {
		o.chClosed = true
		close(o.ch)
		o.rb.Release()
	}
}

func (o *tableOut) writeLoop() {
	defer close(o.done)
	var err error
	for rec := range o.ch {
		if err == nil {
			select {
			case <-o.r.abort:
				err = errAborted
			default:
			}
		}
		if err == nil {
			if err = o.fw.Write(rec); err != nil {
				err = fmt.Errorf("tpch: writing %s: %w", o.name, err)
				o.r.fail(err)
			} else {
				o.written += rec.NumRows()
				o.r.report(o.name, o.written)
			}
		}
		rec.Release()
	}
	if err == nil {
		if err = o.fw.Close(); err == nil {
			err = o.buf.Flush()
		}
		if err != nil {
			err = fmt.Errorf("tpch: writing %s: %w", o.name, err)
		}
	}
	if cerr := o.file.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("tpch: writing %s: %w", o.name, cerr)
	}
	if err != nil && err != errAborted {
		o.r.fail(err)
	}
	if err == errAborted {
		err = nil // the run's first error is reported instead
	}
	o.err = err
}

var errAborted = errors.New("tpch: aborted")
