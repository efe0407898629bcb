package wire

import (
	"fmt"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/datasource"
)

// Splits travel apart from plans (a scan of many files would otherwise make
// every stage plan large). The payload is a count, then per split a tag and
// its fields; file paths are interned like column lists (0 then the path, or
// k+1 for the k-th path seen), since the row groups of a file share it.
const (
	splitParquet = 1 // path, row group uvarint, rows varint
	splitCSV     = 2 // path
)

// EncodeSplits serializes splits of the tables in package datasource
// (datasource.ParquetSplit and datasource.CSVSplit, or pointers to them).
func EncodeSplits(splits []catalog.Split) ([]byte, error) {
	e := &Encoder{buf: make([]byte, HeaderSize, HeaderSize+16*len(splits)+64)}
	paths := map[string]int{}
	path := func(p string) {
		if i, ok := paths[p]; ok {
			e.Count(i + 1)
			return
		}
		paths[p] = len(paths)
		e.Byte(0)
		e.String(p)
	}
	e.Count(len(splits))
	for i, s := range splits {
		switch x := s.(type) {
		case *datasource.ParquetSplit:
			if x == nil {
				return nil, fmt.Errorf("wire: encode splits: split %d is nil", i)
			}
			s = *x
		case *datasource.CSVSplit:
			if x == nil {
				return nil, fmt.Errorf("wire: encode splits: split %d is nil", i)
			}
			s = *x
		}
		switch x := s.(type) {
		case datasource.ParquetSplit:
			if x.RowGroup < 0 || x.Rows < -1 {
				return nil, fmt.Errorf("wire: encode splits: split %d (%v) has row group %d and %d rows", i, x, x.RowGroup, x.Rows)
			}
			e.Byte(splitParquet)
			path(x.Path)
			e.Count(x.RowGroup)
			e.Varint(x.Rows)
		case datasource.CSVSplit:
			e.Byte(splitCSV)
			path(x.Path)
		default:
			return nil, fmt.Errorf("wire: encode splits: split %d (%v) is a %T, which has no wire encoding", i, s, s)
		}
	}
	return frame(e.buf, contentSplits)
}

// DecodeSplits rebuilds splits encoded by EncodeSplits (as values:
// datasource.ParquetSplit, datasource.CSVSplit).
func DecodeSplits(data []byte) (splits []catalog.Split, err error) {
	payload, err := unframe(data, contentSplits)
	if err != nil {
		return nil, err
	}
	d := newDecoder(payload, nil)
	d.what = "splits"
	defer func() {
		if r := recover(); r != nil {
			splits, err = nil, fmt.Errorf("wire: malformed splits: %v", r)
		}
	}()
	var paths []string
	path := func() string {
		ref := d.Uvarint()
		if d.err != nil {
			return ""
		}
		if ref == 0 {
			p := d.String()
			paths = append(paths, p)
			return p
		}
		if ref > uint64(len(paths)) {
			d.Fail("path %d not defined (%d so far)", ref-1, len(paths))
			return ""
		}
		return paths[ref-1]
	}
	// A split takes at least 2 bytes (tag, path reference).
	out := make([]catalog.Split, d.Count("split", 2))
	for i := range out {
		switch tag := d.Byte(); tag {
		case splitParquet:
			p := path()
			rg := int(d.Uint("row group", 1<<31-1))
			rows := d.Int("row count", -1, 1<<62)
			out[i] = datasource.ParquetSplit{Path: p, RowGroup: rg, Rows: rows}
		case splitCSV:
			out[i] = datasource.CSVSplit{Path: path()}
		default:
			d.Fail("unknown split tag %d", tag)
		}
		if d.err != nil {
			return nil, d.err
		}
	}
	if d.err == nil && d.pos != len(payload) {
		d.Fail("%d bytes after the splits", len(payload)-d.pos)
	}
	if d.err != nil {
		return nil, d.err
	}
	return out, nil
}
