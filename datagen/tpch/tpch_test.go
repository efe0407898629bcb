package tpch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/pingcap/go-tpc/tpch/dbgen"
)

const (
	testSF     = 0.01
	testRGRows = 10000
)

var (
	sharedOnce sync.Once
	sharedDir  string
	sharedErr  error
	sharedTime time.Duration
	sharedProg = map[string]int64{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// sf001 generates all tables at SF 0.01 once for the whole test binary.
func sf001(t *testing.T) string {
	t.Helper()
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "aloft-tpch-test-")
		if sharedErr != nil {
			return
		}
		start := time.Now()
		var mu sync.Mutex
		sharedErr = Generate(context.Background(), Options{
			ScaleFactor:  testSF,
			OutDir:       sharedDir,
			RowGroupRows: testRGRows,
			Progress: func(table string, rows int64) {
				mu.Lock()
				defer mu.Unlock()
				if rows <= sharedProg[table] {
					panic(fmt.Sprintf("progress for %s not increasing: %d after %d", table, rows, sharedProg[table]))
				}
				sharedProg[table] = rows
			},
		})
		sharedTime = time.Since(start)
	})
	if sharedErr != nil {
		t.Fatalf("Generate: %v", sharedErr)
	}
	return sharedDir
}

// readTable reads a whole Parquet file back into Arrow.
func readTable(t *testing.T, path string) (arrow.Table, *file.Reader) {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdr.Close() })
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tbl.Release)
	return tbl, rdr
}

// sameFields compares schemas ignoring field metadata (the Parquet reader
// adds PARQUET:field_id).
func sameFields(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.Fields() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || fa.Nullable != fb.Nullable || !arrow.TypeEqual(fa.Type, fb.Type) {
			return false
		}
	}
	return true
}

// formatRows renders an Arrow table the way dbgen's .tbl writer does:
// "v1|v2|...|", money with two decimals, quantity as an integer.
func formatRows(t *testing.T, tbl arrow.Table) []string {
	t.Helper()
	rr := array.NewTableReader(tbl, 1<<16)
	defer rr.Release()
	var out []string
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			var sb strings.Builder
			for c := 0; c < int(rec.NumCols()); c++ {
				col := rec.Column(c)
				if col.IsNull(i) {
					t.Fatalf("unexpected NULL in %s", rec.ColumnName(c))
				}
				switch a := col.(type) {
				case *array.Int32:
					sb.WriteString(strconv.FormatInt(int64(a.Value(i)), 10))
				case *array.Int64:
					sb.WriteString(strconv.FormatInt(a.Value(i), 10))
				case *array.String:
					sb.WriteString(a.Value(i))
				case *array.Date32:
					sb.WriteString(a.Value(i).ToTime().Format("2006-01-02"))
				case *array.Decimal128:
					v := a.Value(i)
					if rec.ColumnName(c) == "l_quantity" {
						if v.LowBits()%100 != 0 || v.HighBits() != 0 {
							t.Fatalf("non-integral quantity %s", v.ToString(2))
						}
						sb.WriteString(strconv.FormatUint(v.LowBits()/100, 10))
					} else {
						sb.WriteString(v.ToString(2))
					}
				default:
					t.Fatalf("unexpected column type %T", col)
				}
				sb.WriteByte('|')
			}
			out = append(out, sb.String())
		}
	}
	return out
}

// textLoader formats dbgen's rows exactly like the dbgen port's own .tbl
// loaders do. After stop Load calls (if > 0) it aborts generation.
type textLoader struct {
	format func(item interface{}) []string
	rows   []string
	calls  int
	stop   int
}

var errStop = errors.New("enough rows")

func (l *textLoader) Load(item interface{}) error {
	l.rows = append(l.rows, l.format(item)...)
	l.calls++
	if l.stop > 0 && l.calls >= l.stop {
		return errStop
	}
	return nil
}
func (l *textLoader) Flush() error { return nil }

// dbgenText runs dbgen directly (no Arrow, no Parquet) at the given scale
// and returns each table's rows in .tbl text form. stop > 0 limits every
// generator to that many dbgen rows (orders / parts / ...).
func dbgenText(t *testing.T, sf float64, stop int) map[string][]string {
	t.Helper()
	intScale, milli, err := parseScale(sf)
	if err != nil {
		t.Fatal(err)
	}
	genMu.Lock()
	defer genMu.Unlock()
	resetDbgen(intScale, milli)

	ls := map[string]*textLoader{
		Region: {format: func(it interface{}) []string {
			r := it.(*dbgen.Region)
			return []string{fmt.Sprintf("%d|%s|%s|", r.Code, r.Text, r.Comment)}
		}},
		Nation: {format: func(it interface{}) []string {
			n := it.(*dbgen.Nation)
			return []string{fmt.Sprintf("%d|%s|%d|%s|", n.Code, n.Text, n.Join, n.Comment)}
		}},
		Supplier: {format: func(it interface{}) []string {
			s := it.(*dbgen.Supp)
			return []string{fmt.Sprintf("%d|%s|%s|%d|%s|%s|%s|", s.SuppKey, s.Name, s.Address,
				s.NationCode, s.Phone, dbgen.FmtMoney(s.Acctbal), s.Comment)}
		}},
		Customer: {format: func(it interface{}) []string {
			c := it.(*dbgen.Cust)
			return []string{fmt.Sprintf("%d|%s|%s|%d|%s|%s|%s|%s|", c.CustKey, c.Name, c.Address,
				c.NationCode, c.Phone, dbgen.FmtMoney(c.Acctbal), c.MktSegment, c.Comment)}
		}},
		Part: {format: func(it interface{}) []string {
			p := it.(*dbgen.Part)
			return []string{fmt.Sprintf("%d|%s|%s|%s|%s|%d|%s|%s|%s|", p.PartKey, p.Name, p.Mfgr,
				p.Brand, p.Type, p.Size, p.Container, dbgen.FmtMoney(p.RetailPrice), p.Comment)}
		}},
		PartSupp: {format: func(it interface{}) []string {
			var out []string
			for _, s := range it.(*dbgen.Part).S {
				out = append(out, fmt.Sprintf("%d|%d|%d|%s|%s|", s.PartKey, s.SuppKey, s.Qty,
					dbgen.FmtMoney(s.SCost), s.Comment))
			}
			return out
		}},
		Orders: {format: func(it interface{}) []string {
			o := it.(*dbgen.Order)
			return []string{fmt.Sprintf("%d|%d|%c|%s|%s|%s|%s|%d|%s|", o.OKey, o.CustKey, o.Status,
				dbgen.FmtMoney(o.TotalPrice), o.Date, o.OrderPriority, o.Clerk, o.ShipPriority, o.Comment)}
		}},
		Lineitem: {format: func(it interface{}) []string {
			var out []string
			for _, l := range it.(*dbgen.Order).Lines {
				out = append(out, fmt.Sprintf("%d|%d|%d|%d|%d|%s|%s|%s|%c|%c|%s|%s|%s|%s|%s|%s|",
					l.OKey, l.PartKey, l.SuppKey, l.LCnt, l.Quantity, dbgen.FmtMoney(l.EPrice),
					dbgen.FmtMoney(l.Discount), dbgen.FmtMoney(l.Tax), l.RFlag, l.LStatus,
					l.SDate, l.CDate, l.RDate, l.ShipInstruct, l.ShipMode, l.Comment))
			}
			return out
		}},
	}
	// In the combined generators the second loader sees every item last.
	for _, n := range []string{Region, Nation, Supplier, Customer, PartSupp, Lineitem} {
		ls[n].stop = stop
	}
	loaders := map[dbgen.Table]dbgen.Loader{
		dbgen.TRegion: ls[Region], dbgen.TNation: ls[Nation], dbgen.TSupp: ls[Supplier],
		dbgen.TCust: ls[Customer], dbgen.TPart: ls[Part], dbgen.TPsupp: ls[PartSupp],
		dbgen.TOrder: ls[Orders], dbgen.TLine: ls[Lineitem],
	}
	for _, g := range []dbgen.Table{dbgen.TNation, dbgen.TRegion, dbgen.TCust, dbgen.TSupp, dbgen.TPartPsupp, dbgen.TOrderLine} {
		if err := dbgen.DbGen(loaders, []dbgen.Table{g}); err != nil && !strings.Contains(err.Error(), errStop.Error()) {
			t.Fatal(err)
		}
	}
	out := map[string][]string{}
	for n, l := range ls {
		out[n] = l.rows
	}
	return out
}

func TestTableNamesAndSchemas(t *testing.T) {
	want := []string{"region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"}
	got := TableNames()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("TableNames() = %v", got)
	}
	got[0] = "mutated"
	if TableNames()[0] != "region" {
		t.Fatal("TableNames returns shared slice")
	}
	for _, n := range want {
		s, err := Schema(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range s.Fields() {
			if f.Nullable {
				t.Errorf("%s.%s nullable", n, f.Name)
			}
			switch f.Type.ID() {
			case arrow.INT32, arrow.INT64, arrow.STRING, arrow.DATE32, arrow.DECIMAL128:
			default:
				t.Errorf("%s.%s has type %s", n, f.Name, f.Type)
			}
		}
	}
	if _, err := Schema("nope"); err == nil {
		t.Fatal("Schema(nope) succeeded")
	}
	ls, _ := Schema(Lineitem)
	if ls.NumFields() != 16 || ls.Field(5).Name != "l_extendedprice" ||
		!arrow.TypeEqual(ls.Field(5).Type, &arrow.Decimal128Type{Precision: 15, Scale: 2}) ||
		ls.Field(10).Type.ID() != arrow.DATE32 {
		t.Fatalf("unexpected lineitem schema %s", ls)
	}
}

func TestParseScale(t *testing.T) {
	for _, c := range []struct {
		sf           float64
		scale, milli int64
		ok           bool
	}{
		{1, 1, 0, true}, {10, 10, 0, true}, {0.01, 1, 10, true}, {0.1, 1, 100, true},
		{0.001, 1, 1, true}, {0.5, 1, 500, true}, {0.29, 1, 290, true},
		{0, 0, 0, false}, {-1, 0, 0, false}, {1.5, 0, 0, false}, {0.0001, 0, 0, false}, {0.0125, 0, 0, false},
	} {
		s, m, err := parseScale(c.sf)
		if (err == nil) != c.ok || (c.ok && (s != c.scale || m != c.milli)) {
			t.Errorf("parseScale(%v) = %d, %d, %v", c.sf, s, m, err)
		}
	}
}

func TestGenerateSF001(t *testing.T) {
	dir := sf001(t)
	t.Logf("SF %v generated in %v", testSF, sharedTime)

	wantRows := map[string]int64{
		Region: 5, Nation: 25, Supplier: 100, Customer: 1500, Part: 2000, PartSupp: 8000, Orders: 15000,
		Lineitem: 60175, // what C dbgen produces at -s 0.01, too
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 8 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("output dir has %v", names)
	}
	for _, name := range TableNames() {
		tbl, rdr := readTable(t, filepath.Join(dir, name+".parquet"))
		want, _ := Schema(name)
		if !sameFields(tbl.Schema(), want) {
			t.Errorf("%s: schema\n%s\nwant\n%s", name, tbl.Schema(), want)
		}
		if tbl.NumRows() != wantRows[name] {
			t.Errorf("%s: %d rows, want %d", name, tbl.NumRows(), wantRows[name])
		}
		if sharedProg[name] != wantRows[name] {
			t.Errorf("%s: last progress %d, want %d", name, sharedProg[name], wantRows[name])
		}
		md := rdr.MetaData()
		nrg := rdr.NumRowGroups()
		if want := (wantRows[name] + testRGRows - 1) / testRGRows; int64(nrg) != want {
			t.Errorf("%s: %d row groups, want %d", name, nrg, want)
		}
		for i := 0; i < nrg; i++ {
			rg := md.RowGroup(i)
			n := rg.NumRows()
			if n > testRGRows || (i < nrg-1 && n != testRGRows) {
				t.Errorf("%s: row group %d has %d rows", name, i, n)
			}
			for c := 0; c < rg.NumColumns(); c++ {
				cc, err := rg.ColumnChunk(c)
				if err != nil {
					t.Fatal(err)
				}
				if cc.Compression() != compress.Codecs.Snappy {
					t.Errorf("%s col %d: compression %v", name, c, cc.Compression())
				}
				if ok, err := cc.StatsSet(); !ok || err != nil {
					t.Errorf("%s col %d rg %d: no statistics (%v)", name, c, i, err)
					continue
				}
				st, err := cc.Statistics()
				if err != nil || !st.HasMinMax() || st.NullCount() != 0 {
					t.Errorf("%s col %d rg %d: bad statistics %v %v", name, c, i, st, err)
				}
			}
		}
	}

	// Physical layout details the engine relies on.
	_, rdr := readTable(t, filepath.Join(dir, "lineitem.parquet"))
	sc := rdr.MetaData().Schema
	for _, c := range []struct {
		name string
		phys parquet.Type
	}{
		{"l_orderkey", parquet.Types.Int64}, {"l_linenumber", parquet.Types.Int32},
		{"l_extendedprice", parquet.Types.Int64}, {"l_shipdate", parquet.Types.Int32},
		{"l_comment", parquet.Types.ByteArray},
	} {
		col := sc.Column(sc.ColumnIndexByName(c.name))
		if col.PhysicalType() != c.phys {
			t.Errorf("%s physical type %v, want %v", c.name, col.PhysicalType(), c.phys)
		}
	}
	if lt := sc.Column(sc.ColumnIndexByName("l_extendedprice")).LogicalType().String(); !strings.Contains(lt, "Decimal") {
		t.Errorf("l_extendedprice logical type %s", lt)
	}
	if lt := sc.Column(sc.ColumnIndexByName("l_shipdate")).LogicalType().String(); !strings.Contains(lt, "Date") {
		t.Errorf("l_shipdate logical type %s", lt)
	}
}

func TestKnownValuesSF001(t *testing.T) {
	dir := sf001(t)
	first := func(table string) []string {
		tbl, _ := readTable(t, filepath.Join(dir, table+".parquet"))
		rows := formatRows(t, tbl)
		if len(rows) == 0 {
			t.Fatalf("%s empty", table)
		}
		return strings.Split(rows[0], "|")
	}
	if r := first(Region); r[0] != "0" || r[1] != "AFRICA" {
		t.Errorf("region row 0 = %v", r)
	}
	if n := first(Nation); n[0] != "0" || n[1] != "ALGERIA" || n[2] != "0" ||
		n[3] != " haggle. carefully final deposits detect slyly agai" {
		t.Errorf("nation row 0 = %v", n)
	}

	// First lineitem of order 1 at SF 0.01: part 1552, retail price
	// 90000+155+55200 = 145355 cents, quantity 17 => 2471035 cents.
	tbl, _ := readTable(t, filepath.Join(dir, "lineitem.parquet"))
	ep := tbl.Column(5).Data().Chunk(0).(*array.Decimal128).Value(0)
	if ep.HighBits() != 0 || ep.LowBits() != 2471035 {
		t.Errorf("l_extendedprice[0] = %s, want 24710.35", ep.ToString(2))
	}
	pk := tbl.Column(1).Data().Chunk(0).(*array.Int64).Value(0)
	if pk != 1552 {
		t.Errorf("l_partkey[0] = %d", pk)
	}
	sd := tbl.Column(10).Data().Chunk(0).(*array.Date32).Value(0)
	if got := sd.ToTime().Format("2006-01-02"); got != "1996-03-13" {
		t.Errorf("l_shipdate[0] = %s", got)
	}
	od := first(Orders)
	if od[0] != "1" || od[4] != "1996-01-02" {
		t.Errorf("orders row 0 = %v", od)
	}
}

// TestMatchesDbgenSF001 compares every row of every file with the rows the
// dbgen port itself produces (formatted like its .tbl output), which checks
// the decimal and date conversions exactly.
func TestMatchesDbgenSF001(t *testing.T) {
	dir := sf001(t)
	ref := dbgenText(t, testSF, 0)
	for _, name := range TableNames() {
		tbl, _ := readTable(t, filepath.Join(dir, name+".parquet"))
		got := formatRows(t, tbl)
		want := ref[name]
		if len(got) != len(want) {
			t.Errorf("%s: %d rows, dbgen %d", name, len(got), len(want))
			continue
		}
		bad := 0
		for i := range got {
			if got[i] != want[i] {
				if bad < 3 {
					t.Errorf("%s row %d:\n got  %s\n want %s", name, i, got[i], want[i])
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d mismatching rows", name, bad)
		}
	}
}

// TestSF1PrefixMatchesUpstream checks that our (re-)initialisation of dbgen
// reproduces InitDbGen(1): the first rows must equal the ones in the dbgen
// port's own tests (generated with InitDbGen(1)).
func TestSF1PrefixMatchesUpstream(t *testing.T) {
	sf001(t) // make sure dbgen has already been used once in this process
	got := dbgenText(t, 1, 2)
	want := map[string][]string{
		Orders: {
			"1|36901|O|173665.47|1996-01-02|5-LOW|Clerk#000000951|0|nstructions sleep furiously among |",
			"2|78002|O|46929.18|1996-12-01|1-URGENT|Clerk#000000880|0| foxes. pending accounts at the pending, silent asymptot|",
		},
		Lineitem: {
			"1|155190|7706|1|17|21168.23|0.04|0.02|N|O|1996-03-13|1996-02-12|1996-03-22|DELIVER IN PERSON|TRUCK|egular courts above the|",
			"1|67310|7311|2|36|45983.16|0.09|0.06|N|O|1996-04-12|1996-02-28|1996-04-20|TAKE BACK RETURN|MAIL|ly final dependencies: slyly bold |",
			"1|63700|3701|3|8|13309.60|0.10|0.02|N|O|1996-01-29|1996-03-05|1996-01-31|TAKE BACK RETURN|REG AIR|riously. regular, express dep|",
			"1|2132|4633|4|28|28955.64|0.09|0.06|N|O|1996-04-21|1996-03-30|1996-05-16|NONE|AIR|lites. fluffily even de|",
			"1|24027|1534|5|24|22824.48|0.10|0.04|N|O|1996-03-30|1996-03-14|1996-04-01|NONE|FOB| pending foxes. slyly re|",
			"1|15635|638|6|32|49620.16|0.07|0.02|N|O|1996-01-30|1996-02-07|1996-02-03|DELIVER IN PERSON|MAIL|arefully slyly ex|",
			"2|106170|1191|1|38|44694.46|0.00|0.05|N|O|1997-01-28|1997-01-14|1997-02-02|TAKE BACK RETURN|RAIL|ven requests. deposits breach a|",
		},
		Supplier: {
			"1|Supplier#000000001| N kD4on9OM Ipw3,gf0JBoQDd7tgrzrddZ|17|27-918-335-1736|5755.94|each slyly above the careful|",
			"2|Supplier#000000002|89eJ5ksX3ImxJQBvxObC,|5|15-679-861-2259|4032.68| slyly bold instructions. idle dependen|",
		},
		Customer: {
			"1|Customer#000000001|IVhzIApeRb ot,c,E|15|25-989-741-2988|711.56|BUILDING|to the even, regular platelets. regular, ironic epitaphs nag e|",
			"2|Customer#000000002|XSTf4,NCwDVaWNe6tEgvwfmRchLXak|13|23-768-687-3665|121.65|AUTOMOBILE|l accounts. blithely ironic theodolites integrate boldly: caref|",
		},
		Part: {
			"1|goldenrod lavender spring chocolate lace|Manufacturer#1|Brand#13|PROMO BURNISHED COPPER|7|JUMBO PKG|901.00|ly. slyly ironi|",
			"2|blush thistle blue yellow saddle|Manufacturer#1|Brand#13|LARGE BRUSHED BRASS|1|LG CASE|902.00|lar accounts amo|",
		},
		PartSupp: {
			"1|2|3325|771.64|, even theodolites. regular, final theodolites eat after the carefully pending foxes. furiously regular deposits sleep slyly. carefully bold realms above the ironic dependencies haggle careful|",
			"1|2502|8076|993.49|ven ideas. quickly even packages print. pending multipliers must have to are fluff|",
			"1|5002|3956|337.09|after the fluffily ironic deposits? blithely special dependencies integrate furiously even excuses. blithely silent theodolites could have to haggle pending, express requests; fu|",
			"1|7502|4069|357.84|al, regular dependencies serve carefully after the quickly final pinto beans. furiously even deposits sleep quickly final, silent pinto beans. fluffily reg|",
			"2|3|8895|378.49|nic accounts. final accounts sleep furiously about the ironic, bold packages. regular, regular accounts|",
			"2|2503|4969|915.27|ptotes. quickly pending dependencies integrate furiously. fluffily ironic ideas impress blithely above the express accounts. furiously even epitaphs need to wak|",
			"2|5003|8539|438.37|blithely bold ideas. furiously stealthy packages sleep fluffily. slyly special deposits snooze furiously carefully regular accounts. regular deposits according to the accounts nag carefully slyl|",
			"2|7503|3025|306.39|olites. deposits wake carefully. even, express requests cajole. carefully regular ex|",
		},
		Nation: {
			"0|ALGERIA|0| haggle. carefully final deposits detect slyly agai|",
			"1|ARGENTINA|1|al foxes promise slyly according to the regular accounts. bold requests alon|",
		},
		Region: {
			"0|AFRICA|lar deposits. blithely final packages cajole. regular waters are final requests. regular accounts are according to |",
			"1|AMERICA|hs use ironic, even requests. s|",
		},
	}
	for name, w := range want {
		g := got[name]
		if strings.Join(g, "\n") != strings.Join(w, "\n") {
			t.Errorf("%s:\n got  %q\n want %q", name, g, w)
		}
	}
}

// TestSubsetAndRepeat generates a subset of tables in a second Generate call
// of the same process and checks the rows are identical to the full run.
func TestSubsetAndRepeat(t *testing.T) {
	full := sf001(t)
	dir := t.TempDir()
	if err := Generate(context.Background(), Options{
		ScaleFactor: testSF, OutDir: dir, Tables: []string{Lineitem, PartSupp},
	}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("subset run wrote %d files", len(entries))
	}
	for _, name := range []string{Lineitem, PartSupp} {
		a, _ := readTable(t, filepath.Join(full, name+".parquet"))
		b, rdr := readTable(t, filepath.Join(dir, name+".parquet"))
		if rdr.NumRowGroups() != 1 { // default row group size > rows
			t.Errorf("%s: %d row groups", name, rdr.NumRowGroups())
		}
		if !array.TableEqual(a, b) {
			ra, rb := formatRows(t, a), formatRows(t, b)
			t.Errorf("%s differs between full and subset run (%d vs %d rows)", name, len(ra), len(rb))
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, o := range []Options{
		{ScaleFactor: 0, OutDir: dir},
		{ScaleFactor: 1.5, OutDir: dir},
		{ScaleFactor: 0.01},
		{ScaleFactor: 0.01, OutDir: dir, Tables: []string{"lineitems"}},
		{ScaleFactor: 0.01, OutDir: dir, RowGroupRows: -1},
	} {
		if err := Generate(ctx, o); err == nil {
			t.Errorf("Generate(%+v) succeeded", o)
		}
	}

	// Cancellation in the middle of a run: no output, no temp files.
	sf001(t) // text pool already built, keeps this fast
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err := Generate(cctx, Options{
		ScaleFactor: testSF, OutDir: dir, RowGroupRows: 1000,
		Progress: func(table string, rows int64) {
			if table == Lineitem {
				cancel()
			}
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Generate returned %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("cancelled run left %v", names)
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"1970-01-01", "1992-01-01", "1996-02-29", "1998-12-31", "2000-03-01", "1969-12-31"} {
		d, err := parseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		tm, _ := time.Parse("2006-01-02", s)
		if int64(d) != tm.Unix()/86400 && !(tm.Unix() < 0 && int64(d) == tm.Unix()/86400-1) {
			t.Errorf("parseDate(%s) = %d, want %d", s, d, tm.Unix()/86400)
		}
	}
	for _, s := range []string{"", "1992-1-01", "1992/01/01", "19x2-01-01", "1992-13-01"} {
		if _, err := parseDate(s); err == nil {
			t.Errorf("parseDate(%q) succeeded", s)
		}
	}
}

// TestGenerateToDir is a tool, not a test: when ALOFT_DATAGEN_OUT is set it
// generates scale ALOFT_DATAGEN_SF (default 1) into that directory, e.g.
//
//	ALOFT_DATAGEN_OUT=/work/data/sf1 go test ./datagen/tpch -run TestGenerateToDir -timeout 20m -v
func TestGenerateToDir(t *testing.T) {
	out := os.Getenv("ALOFT_DATAGEN_OUT")
	if out == "" {
		t.Skip("ALOFT_DATAGEN_OUT not set")
	}
	sf := 1.0
	if s := os.Getenv("ALOFT_DATAGEN_SF"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("ALOFT_DATAGEN_SF: %v", err)
		}
		sf = v
	}
	start := time.Now()
	last := map[string]time.Time{}
	err := Generate(context.Background(), Options{
		ScaleFactor: sf,
		OutDir:      out,
		Progress: func(table string, rows int64) {
			if time.Since(last[table]) > 5*time.Second {
				last[table] = time.Now()
				t.Logf("%6.1fs %s: %d rows", time.Since(start).Seconds(), table, rows)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SF %v generated into %s in %v", sf, out, time.Since(start))
	for _, name := range TableNames() {
		fi, err := os.Stat(filepath.Join(out, name+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-9s %12d bytes", name, fi.Size())
	}
}
