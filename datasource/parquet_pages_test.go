package datasource

import (
	"encoding/binary"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/aloftdb/aloft/catalog"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
)

// encodeHybrid writes vals in Parquet's RLE/bit-packed hybrid encoding,
// choosing runs at random, and reports the value count it wrote (bit-packed
// runs are padded to groups of 8 values).
func encodeHybrid(rng *rand.Rand, vals []uint32, w uint) []byte {
	var out []byte
	for i := 0; i < len(vals); {
		if rng.Intn(2) == 0 { // an RLE run of the repeated value
			n := 1
			for i+n < len(vals) && vals[i+n] == vals[i] {
				n++
			}
			out = binary.AppendUvarint(out, uint64(n)<<1)
			v := vals[i]
			for b := uint(0); b < (w+7)/8; b++ {
				out = append(out, byte(v>>(8*b)))
			}
			i += n
			continue
		}
		groups := 1 + rng.Intn(5)
		out = binary.AppendUvarint(out, uint64(groups)<<1|1)
		packed := make([]byte, groups*int(w))
		for j := 0; j < 8*groups; j++ {
			var v uint64
			if i+j < len(vals) {
				v = uint64(vals[i+j])
			}
			for b := uint(0); b < w; b++ {
				if v>>b&1 != 0 {
					bit := uint(j)*w + b
					packed[bit/8] |= 1 << (bit % 8)
				}
			}
		}
		out = append(out, packed...)
		i += 8 * groups
	}
	return out
}

func TestRLEDecoderAllWidths(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for w := uint(0); w <= 32; w++ {
		limit := uint64(1) << w
		vals := make([]uint32, 3000)
		for i := range vals {
			if i > 0 && rng.Intn(3) == 0 {
				vals[i] = vals[i-1] // repeats, for RLE runs
			} else {
				vals[i] = uint32(rng.Uint64() % limit)
			}
		}
		data := encodeHybrid(rng, vals, w)
		var d rleDecoder
		d.init(data, int(w))
		for pos := 0; pos < len(vals); {
			n := min(1+rng.Intn(100), len(vals)-pos)
			if rng.Intn(4) == 0 {
				if err := d.skip(n); err != nil {
					t.Fatalf("w=%d skip at %d: %v", w, pos, err)
				}
				pos += n
				continue
			}
			got := make([]int32, n)
			if err := rleRead(&d, got, uint32(min(limit, 1<<32-1))); err != nil && w < 32 {
				t.Fatalf("w=%d read at %d: %v", w, pos, err)
			}
			for i, g := range got {
				if uint32(g) != vals[pos+i] {
					t.Fatalf("w=%d value %d: got %d, want %d", w, pos+i, uint32(g), vals[pos+i])
				}
			}
			pos += n
		}
	}
}

func TestRLEDecoderRejectsOutOfRangeAndTruncated(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	vals := []uint32{0, 1, 2, 3, 4, 5, 6, 7, 5, 5, 5}
	data := encodeHybrid(rng, vals, 3)
	var d rleDecoder
	d.init(data, 3)
	if err := rleRead(&d, make([]int32, len(vals)), 5); err == nil {
		t.Error("index 7 with a dictionary of 5: want an error")
	}
	d.init(data[:len(data)/2], 3)
	if err := rleRead(&d, make([]int32, len(vals)), 8); err == nil {
		t.Error("truncated data: want an error")
	}
}

// TestParquetPageLayouts reads the sample table written with the page
// layouts and encodings writers produce — data page v2, no dictionary, a
// dictionary that overflows into PLAIN pages mid-chunk, compression, and
// encodings only the general decoders read — in full and through filters
// that skip whole chunks and single rows.
func TestParquetPageLayouts(t *testing.T) {
	const n = 3000
	written, want := sampleData(n)
	for _, c := range []struct {
		name  string
		props []parquet.WriterProperty
	}{
		{"v1", nil},
		{"v2", []parquet.WriterProperty{parquet.WithDataPageVersion(parquet.DataPageV2)}},
		{"v2 snappy", []parquet.WriterProperty{parquet.WithDataPageVersion(parquet.DataPageV2),
			parquet.WithCompression(compress.Codecs.Snappy)}},
		{"no dictionary", []parquet.WriterProperty{parquet.WithDictionaryDefault(false)}},
		{"dictionary overflow", []parquet.WriterProperty{parquet.WithDictionaryPageSizeLimit(200),
			parquet.WithDictionaryFor("comment", true)}},
		{"big pages snappy", []parquet.WriterProperty{parquet.WithDataPageSize(1 << 20),
			parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDictionaryFor("comment", true)}},
		{"delta encodings", []parquet.WriterProperty{parquet.WithDictionaryDefault(false),
			parquet.WithEncodingFor("id", parquet.Encodings.DeltaBinaryPacked),
			parquet.WithEncodingFor("comment", parquet.Encodings.DeltaByteArray),
			parquet.WithEncodingFor("d", parquet.Encodings.DeltaBinaryPacked)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "layout.parquet")
			writeParquet(t, path, written, 1000, c.props...)
			tbl, err := OpenParquet(path)
			if err != nil {
				t.Fatal(err)
			}
			all := allColumns(numSampleCols)
			for _, batch := range []int{0, 333} {
				got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: all, BatchSize: batch})
				assertColumnsEqual(t, got, want, all)
			}
			for _, keep := range []func(int64) bool{
				func(v int64) bool { return v%3 == 0 },
				func(v int64) bool { return v >= 2500 || v == 1234 },
			} {
				got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: all,
					Filter: funcFilter{cols: []int{colID}, keep: keep}})
				assertColumnsEqual(t, got, takeRows(t, want, keep), all)
			}
		})
	}
}

// TestParquetSkipPlainPages skips whole decode chunks of PLAIN pages (no
// dictionary) of a nullable string and a decimal before reading matching rows.
func TestParquetSkipPlainPages(t *testing.T) {
	const n = 2*minChunkRows + 100
	written, want := sampleData(n)
	path := filepath.Join(t.TempDir(), "plain.parquet")
	writeParquet(t, path, written, n, parquet.WithDictionaryDefault(false), parquet.WithDataPageSize(8<<10))
	tbl, err := OpenParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	cols := []int{colComment, colID, colPrice, colName, colVal}
	keep := func(v int64) bool { return v >= n-70 || v == minChunkRows+3 }
	got := scanAll(t, tbl, nil, catalog.ScanOptions{Columns: cols, Filter: funcFilter{cols: []int{1}, keep: keep}})
	assertColumnsEqual(t, got, takeRows(t, want, keep), cols)
}

// TestPageDecodersMatchGeneralDecoders reads files with the fast path and
// with the general decoders alone and compares: the TPC-H tables at SF 0.01
// and types the sample table lacks (unsigned INT32, FLOAT, TIMESTAMP(ns)).
func TestPageDecodersMatchGeneralDecoders(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(sf001Dir, "*.parquet"))

	const n = 5000
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "u32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "ns", Type: arrow.FixedWidthTypes.Timestamp_ns, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	for i := 0; i < n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		if i%9 == 0 {
			b.Field(1).AppendNull()
			b.Field(2).AppendNull()
			b.Field(3).AppendNull()
			continue
		}
		b.Field(1).(*array.Uint32Builder).Append(uint32(i%300) * 14_000_000)
		b.Field(2).(*array.Float32Builder).Append(float32(i%77) / 7)
		b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(int64(i%500-250) * 1_234_567))
	}
	extra := filepath.Join(t.TempDir(), "types.parquet")
	writeParquet(t, extra, b.NewRecordBatch(), 2000, parquet.WithVersion(parquet.V2_LATEST))
	paths = append(paths, extra)

	read := func(t *testing.T, tbl catalog.Table, fast bool, opts catalog.ScanOptions) arrow.RecordBatch {
		usePageDecoders = fast
		defer func() { usePageDecoders = true }()
		return scanAll(t, tbl, nil, opts)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tbl, err := OpenParquet(path)
			if err != nil {
				t.Fatal(err)
			}
			all := allColumns(len(tbl.Schema().Fields()))
			scans := []catalog.ScanOptions{{Columns: all}}
			if tbl.Schema().Field(0).Type.ID() == arrow.INT64 {
				scans = append(scans, catalog.ScanOptions{Columns: all,
					Filter: funcFilter{cols: []int{0}, keep: func(v int64) bool { return v%7 < 2 }}})
			}
			for _, opts := range scans {
				want := read(t, tbl, false, opts)
				got := read(t, tbl, true, opts)
				assertColumnsEqual(t, got, want, all)
			}
		})
	}
}
