// Package wire serializes physical plans (trees of exec.Exec) so that the
// coordinator can ship stage plans to executors, and lists of splits, which
// travel separately from the plans.
//
// The format is versioned (header.go), compact (varints, interned column
// lists) and validated when decoded: malformed, truncated, oversized or
// foreign input is refused with an error, never a panic. Physical
// expressions are sent as the logical expressions they were compiled from
// (expr.SourceOf) and compiled again on the receiving side; tables are sent
// as name, location and format and opened again there.
package wire

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/datasource"
	"github.com/aloftdb/aloft/exec"
)

// DecodeEnv is what decoding needs from the node that runs the plan. The
// zero value opens tables from their location and reads all their splits.
type DecodeEnv struct {
	// OpenTable opens a table (default: DefaultOpenTable). format is
	// "parquet", "csv", or "csv?delimiter=...&header=..." for CSV files
	// read with options other than the defaults (see SplitFormat).
	OpenTable func(name, location, format string) (catalog.Table, error)
	// Splits returns the splits of the scan with this scanID: its position
	// among the scans of the plan in a pre-order walk (see Scans). Default:
	// all splits of the table.
	Splits func(scanID int) ([]catalog.Split, error)
	// Partitions, when > 0, is the partition count of the decoded scans
	// (capped at their number of splits, as always); default: as encoded.
	Partitions int
	// Ext is passed to decoders of registered operators (Decoder.Env).
	Ext any
}

// recoverPanics is turned off by tests, which want to see any panic that
// validation should have prevented.
var recoverPanics = true

// EncodePlan serializes a physical plan into the versioned binary form.
// Splits are left out (see EncodeSplits): a decoded scan gets its splits
// from DecodeEnv.Splits.
func EncodePlan(plan exec.Exec) ([]byte, error) {
	if plan == nil {
		return nil, fmt.Errorf("wire: encode: nil plan")
	}
	e := &Encoder{buf: make([]byte, HeaderSize, 1024)}
	e.exec(plan, 1)
	if e.err != nil {
		return nil, e.err
	}
	return frame(e.buf, contentPlan)
}

func (e *Encoder) exec(x exec.Exec, depth int) {
	if e.err != nil {
		return
	}
	if depth > maxDepth {
		e.Fail("plan nested deeper than %d", maxDepth)
		return
	}
	c := codecForExec(x)
	if c == nil {
		e.Fail("no wire encoding for operator %T (%s)", x, x)
		return
	}
	e.Uvarint(uint64(c.kind))
	kids := x.Children()
	e.Count(len(kids))
	for _, k := range kids {
		e.exec(k, depth+1)
	}
	outer := e.buf
	e.buf = nil
	if err := c.encode(e, x); err != nil {
		e.Fail("%s: %v", c.name, err)
	}
	body := e.buf
	e.buf = outer
	e.Bytes(body)
}

// DecodePlan rebuilds a plan encoded by EncodePlan. Tables are opened and
// splits obtained through env.
func DecodePlan(data []byte, env DecodeEnv) (plan exec.Exec, err error) {
	payload, err := unframe(data, contentPlan)
	if err != nil {
		return nil, err
	}
	d := newDecoder(payload, &env)
	// Decoding validates everything it reads; this is the last resort for
	// a check that was missed (in operator constructors, say).
	if recoverPanics {
		defer func() {
			if r := recover(); r != nil {
				plan, err = nil, fmt.Errorf("wire: malformed plan: %v", r)
			}
		}()
	}
	plan = d.exec()
	if d.err == nil && d.pos != len(payload) {
		d.Fail("%d bytes after the plan", len(payload)-d.pos)
	}
	if d.err != nil {
		return nil, d.err
	}
	return plan, nil
}

func (d *Decoder) exec() exec.Exec {
	if !d.enter() {
		return nil
	}
	defer d.leave()
	kind := d.Uvarint()
	if d.err != nil {
		return nil
	}
	c := codecForKind(kind)
	if c == nil {
		d.Fail("unknown operator kind %d", kind)
		return nil
	}
	// An operator takes at least 3 bytes (kind, child count, body length).
	children := make([]exec.Exec, d.Count("child operator", 3))
	for i := range children {
		if children[i] = d.exec(); d.err != nil {
			return nil
		}
	}
	n := d.Uvarint()
	if d.err == nil && n > uint64(d.Remaining()) {
		d.Fail("%s body of %d bytes exceeds the remaining %d", c.name, n, d.Remaining())
	}
	if d.err != nil {
		return nil
	}
	outerEnd := d.end
	d.end = d.pos + int(n)
	x, err := c.decode(d, children)
	switch {
	case d.err != nil:
	case err != nil:
		d.failErr(fmt.Errorf("wire: decode %s: %w", c.name, err))
	case x == nil:
		d.Fail("%s decoded to nil", c.name)
	case d.pos != d.end:
		d.Fail("%s: %d unread bytes in its body", c.name, d.end-d.pos)
	}
	d.end = outerEnd
	if d.err != nil {
		return nil
	}
	return x
}

// Scans returns the scans of plan in pre-order: a scan's index in the
// result is the scanID under which DecodeEnv.Splits is asked for its splits.
func Scans(plan exec.Exec) []*exec.ScanExec {
	var out []*exec.ScanExec
	var walk func(x exec.Exec)
	walk = func(x exec.Exec) {
		if s, ok := x.(*exec.ScanExec); ok {
			out = append(out, s)
		}
		for _, c := range x.Children() {
			walk(c)
		}
	}
	walk(plan)
	return out
}

// DefaultOpenTable opens a table with datasource.Open; format may carry
// CSV options (see SplitFormat).
func DefaultOpenTable(name, location, format string) (catalog.Table, error) {
	base, opts, err := SplitFormat(format)
	if err != nil {
		return nil, err
	}
	return datasource.Open(location, base, opts)
}

// JoinFormat is the inverse of SplitFormat.
func JoinFormat(base string, options map[string]string) string {
	if len(options) == 0 {
		return base
	}
	v := url.Values{}
	for k, o := range options {
		v.Set(k, o)
	}
	return base + "?" + v.Encode()
}

// SplitFormat splits a table format as DecodeEnv.OpenTable receives it
// ("csv?delimiter=%7C&header=false") into the format and its options.
func SplitFormat(format string) (base string, options map[string]string, err error) {
	base, query, found := strings.Cut(format, "?")
	if !found {
		return base, nil, nil
	}
	v, err := url.ParseQuery(query)
	if err != nil {
		return "", nil, fmt.Errorf("wire: table format %q: %w", format, err)
	}
	options = map[string]string{}
	for k := range v {
		options[k] = v.Get(k)
	}
	return base, options, nil
}

// tableFormat is the format string of a table, for OpenTable.
func tableFormat(t catalog.Table) (string, bool) {
	base, opts, ok := datasource.TableFormat(t)
	if !ok {
		return "", false
	}
	if base == "csv" {
		def := datasource.DefaultCSVOptions()
		if opts["header"] == fmt.Sprint(def.Header) && opts["delimiter"] == string(def.Delimiter) {
			opts = nil
		}
	}
	return JoinFormat(base, opts), true
}

// openTable opens a scan's table once per decoded plan.
func (d *Decoder) openTable(name, location, format string) (catalog.Table, error) {
	key := keyOf(name, location, format)
	if t, ok := d.tables[key]; ok {
		return t, nil
	}
	open := d.env.OpenTable
	if open == nil {
		open = DefaultOpenTable
	}
	t, err := open(name, location, format)
	if err != nil {
		return nil, fmt.Errorf("wire: open table %s (%s, %s): %w", name, location, format, err)
	}
	if t == nil {
		return nil, fmt.Errorf("wire: open table %s: no table", name)
	}
	if d.tables == nil {
		d.tables = map[string]catalog.Table{}
	}
	d.tables[key] = t
	return t, nil
}

// scanSplits returns the splits of the next scan.
func (d *Decoder) scanSplits(t catalog.Table) ([]catalog.Split, error) {
	id := d.scans
	d.scans++
	if d.env.Splits != nil {
		return d.env.Splits(id)
	}
	return t.Splits(context.Background(), nil)
}
