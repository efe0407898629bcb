// Package datasource implements catalog.Table for Parquet and CSV files.
//
// Parquet is the engine's hot path: footers are parsed once per table,
// splits are row groups pruned by min/max statistics, and readers decode
// column chunks with the low-level Parquet column readers into reused
// buffers, evaluating the scan filter on the filter columns before decoding
// the others (late materialization).
package datasource

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aloftdb/aloft/catalog"
)

// Open opens a table at path. format is "parquet", "csv" or "" to decide by
// the file extension, the files in a directory, or the file's magic bytes.
// CSV options: "header" (true/false) and "delimiter" (one character; "\t"
// for tabs).
func Open(path, format string, options map[string]string) (catalog.Table, error) {
	if format == "" {
		var err error
		if format, err = detectFormat(path); err != nil {
			return nil, err
		}
	}
	switch strings.ToLower(format) {
	case "parquet":
		return OpenParquet(path)
	case "csv", "tsv":
		opts := DefaultCSVOptions()
		if strings.EqualFold(format, "tsv") || strings.EqualFold(filepath.Ext(path), ".tsv") {
			opts.Delimiter = '\t'
		}
		for k, v := range options {
			switch strings.ToLower(k) {
			case "header":
				b, err := strconv.ParseBool(v)
				if err != nil {
					return nil, fmt.Errorf("open %s: option header=%q is not a boolean", path, v)
				}
				opts.Header = b
			case "delimiter", "delim", "sep":
				if v == `\t` {
					v = "\t"
				}
				r, size := utf8.DecodeRuneInString(v)
				if size == 0 || size != len(v) {
					return nil, fmt.Errorf("open %s: option delimiter=%q must be one character", path, v)
				}
				opts.Delimiter = r
			default:
				return nil, fmt.Errorf("open %s: unknown CSV option %q", path, k)
			}
		}
		return OpenCSV(path, opts)
	}
	return nil, fmt.Errorf("open %s: unknown format %q (want parquet or csv)", path, format)
}

func detectFormat(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return "", fmt.Errorf("open %s: %w", path, err)
		}
		for _, e := range entries {
			if f := formatByExt(e.Name()); f != "" && !e.IsDir() {
				return f, nil
			}
		}
		return "", fmt.Errorf("open %s: directory has no *.parquet or *.csv files", path)
	}
	if f := formatByExt(path); f != "" {
		return f, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	magic := make([]byte, 4)
	if n, _ := f.Read(magic); n == 4 && bytes.Equal(magic, []byte("PAR1")) {
		return "parquet", nil
	}
	return "csv", nil
}

func formatByExt(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".parquet", ".parq", ".pq":
		return "parquet"
	case ".csv":
		return "csv"
	case ".tsv":
		return "tsv"
	}
	return ""
}
