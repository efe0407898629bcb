package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/chzyer/readline"
)

// Result is one statement's outcome as the shell prints it: rows (Schema
// and Batches), or a Message for DDL. It mirrors engine.Result so that this
// package does not depend on the engine and the shell can be tested with a
// stand-in executor.
type Result struct {
	Schema  *arrow.Schema
	Batches []arrow.RecordBatch
	Message string
	Elapsed time.Duration
}

// NumRows counts the rows in the result.
func (r *Result) NumRows() int64 {
	var n int64
	for _, b := range r.Batches {
		n += b.NumRows()
	}
	return n
}

// Format is an output format for results.
type Format string

// The output formats.
const (
	FormatTable Format = "table" // aligned table with borders and a row-count footer
	FormatCSV   Format = "csv"   // header row, then RFC 4180 rows; nothing else
	FormatJSON  Format = "json"  // one JSON array of objects per result; nothing else
)

// ParseFormat validates a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case FormatTable, FormatCSV, FormatJSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want table, csv or json)", s)
}

// Printer writes statement results to Out in one format.
type Printer struct {
	Out    io.Writer
	Format Format
	// Timing adds the elapsed time to the table format's footer.
	Timing bool
}

// Print writes one result. Results without a schema are DDL: the table
// format prints their message, CSV and JSON print nothing so that their
// output stays machine-readable.
func (p *Printer) Print(res *Result, elapsed time.Duration) error {
	w := bufio.NewWriterSize(p.Out, 64<<10)
	if res.Schema == nil {
		if p.Format == FormatTable {
			msg := res.Message
			if msg == "" {
				msg = "OK"
			}
			fmt.Fprintln(w, msg)
		}
		return w.Flush()
	}
	var err error
	switch p.Format {
	case FormatCSV:
		err = writeCSV(w, res.Schema, res.Batches)
	case FormatJSON:
		err = writeJSON(w, res.Schema, res.Batches)
	default:
		err = writeTable(w, res.Schema, res.Batches)
		if err == nil {
			fmt.Fprintln(w, footer(res.NumRows(), elapsed, p.Timing))
		}
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

// footer is "3 rows (0.123 s)".
func footer(rows int64, elapsed time.Duration, timing bool) string {
	s := fmt.Sprintf("%d rows", rows)
	if rows == 1 {
		s = "1 row"
	}
	if timing {
		s += fmt.Sprintf(" (%.3f s)", elapsed.Seconds())
	}
	return s
}

// Rows returns the values of a result as text, NULL written as null. The
// TPC-H answer check compares results in this form.
func Rows(schema *arrow.Schema, batches []arrow.RecordBatch, null string) [][]string {
	var rows [][]string
	for _, b := range batches {
		cols := b.Columns()
		for i := 0; i < int(b.NumRows()); i++ {
			row := make([]string, len(cols))
			for c, col := range cols {
				text, isNull := FormatValue(col, i)
				if isNull {
					text = null
				}
				row[c] = text
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// writeTable draws the result like psql and DuckDB do:
//
//	+---+-------+
//	| n | name  |
//	+---+-------+
//	| 1 | NULL  |
//	+---+-------+
//
// Numbers are right-aligned, everything else left-aligned.
func writeTable(w io.Writer, schema *arrow.Schema, batches []arrow.RecordBatch) error {
	fields := schema.Fields()
	rows := Rows(schema, batches, "NULL")
	header := make([]string, len(fields))
	right := make([]bool, len(fields))
	widths := make([]int, len(fields))
	for c, f := range fields {
		header[c] = tableCell(f.Name)
		right[c] = IsNumeric(f.Type)
		widths[c] = displayWidth(header[c])
	}
	for _, row := range rows {
		for c, v := range row {
			row[c] = tableCell(v)
			widths[c] = max(widths[c], displayWidth(row[c]))
		}
	}

	var border strings.Builder
	border.WriteByte('+')
	for _, wd := range widths {
		border.WriteString(strings.Repeat("-", wd+2))
		border.WriteByte('+')
	}
	border.WriteByte('\n')
	line := func(cells []string) {
		var b strings.Builder
		b.WriteByte('|')
		for c, v := range cells {
			pad := strings.Repeat(" ", widths[c]-displayWidth(v))
			b.WriteByte(' ')
			if right[c] {
				b.WriteString(pad + v)
			} else {
				b.WriteString(v + pad)
			}
			b.WriteString(" |")
		}
		b.WriteByte('\n')
		io.WriteString(w, b.String())
	}

	io.WriteString(w, border.String())
	line(header)
	io.WriteString(w, border.String())
	for _, row := range rows {
		line(row)
	}
	if len(rows) > 0 {
		_, err := io.WriteString(w, border.String())
		return err
	}
	return nil
}

// displayWidth is the number of terminal columns s takes: East Asian wide
// characters take two, combining marks none.
func displayWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return readline.Runes{}.WidthAll([]rune(s))
		}
	}
	return len(s)
}

// tableCell escapes the characters that would break a table's lines.
var tableCell = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace

// writeCSV writes a header row and the rows as RFC 4180 CSV. NULL is an
// empty field and the empty string a quoted empty field (""), as PostgreSQL
// and DuckDB write them, so the two stay distinguishable; encoding/csv
// cannot quote an empty field, hence the own writer.
func writeCSV(w io.Writer, schema *arrow.Schema, batches []arrow.RecordBatch) error {
	var b bytes.Buffer
	for c, f := range schema.Fields() {
		if c > 0 {
			b.WriteByte(',')
		}
		writeCSVField(&b, f.Name, false)
	}
	b.WriteString("\r\n")
	for _, batch := range batches {
		cols := batch.Columns()
		for i := 0; i < int(batch.NumRows()); i++ {
			for c, col := range cols {
				if c > 0 {
					b.WriteByte(',')
				}
				text, null := FormatValue(col, i)
				writeCSVField(&b, text, !null && text == "")
			}
			b.WriteString("\r\n")
			if b.Len() >= 64<<10 {
				if _, err := w.Write(b.Bytes()); err != nil {
					return err
				}
				b.Reset()
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeCSVField quotes a field when it holds a delimiter, a quote, a line
// break or leading or trailing space, or when forced.
func writeCSVField(b *bytes.Buffer, s string, force bool) {
	if !force && !strings.ContainsAny(s, ",\"\r\n") &&
		(s == "" || s[0] != ' ' && s[0] != '\t' && s[len(s)-1] != ' ' && s[len(s)-1] != '\t') {
		b.WriteString(s)
		return
	}
	b.WriteByte('"')
	b.WriteString(strings.ReplaceAll(s, `"`, `""`))
	b.WriteByte('"')
}

// writeJSON writes one JSON array with an object per row, keys in column
// order. Integers and decimals are JSON numbers with their exact digits
// (no float rounding), floats too unless NaN or infinite (then strings),
// booleans are JSON booleans, NULL is null and everything else, dates
// included, is a string.
func writeJSON(w io.Writer, schema *arrow.Schema, batches []arrow.RecordBatch) error {
	fields := schema.Fields()
	keys := make([]string, len(fields))
	numeric := make([]bool, len(fields))
	boolean := make([]bool, len(fields))
	for c, f := range fields {
		keys[c] = jsonString(f.Name) + ":"
		numeric[c] = IsNumeric(f.Type)
		boolean[c] = f.Type.ID() == arrow.BOOL
	}
	var b bytes.Buffer
	b.WriteByte('[')
	first := true
	for _, batch := range batches {
		cols := batch.Columns()
		for i := 0; i < int(batch.NumRows()); i++ {
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString("\n{")
			for c, col := range cols {
				if c > 0 {
					b.WriteByte(',')
				}
				b.WriteString(keys[c])
				text, null := FormatValue(col, i)
				switch {
				case null:
					b.WriteString("null")
				case numeric[c] && isFinite(text), boolean[c]:
					b.WriteString(text)
				default:
					b.WriteString(jsonString(text))
				}
			}
			b.WriteByte('}')
			if b.Len() >= 64<<10 {
				if _, err := w.Write(b.Bytes()); err != nil {
					return err
				}
				b.Reset()
			}
		}
	}
	if !first {
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// jsonString quotes s as a JSON string, leaving <, > and & readable.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		// A Go string always encodes (invalid UTF-8 becomes U+FFFD).
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
