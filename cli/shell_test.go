package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/chzyer/readline"
)

// fakeEngine records the statements it is given. "select N" returns one
// row with N; "boom" fails; "panic" panics; anything else is DDL.
type fakeEngine struct{ ran []string }

func (f *fakeEngine) exec(_ context.Context, stmt string) (*Result, error) {
	f.ran = append(f.ran, stmt)
	switch {
	case stmt == "boom":
		return nil, errors.New("table boom not found")
	case stmt == "panic":
		panic("index out of range")
	case strings.HasPrefix(stmt, "select "):
		b := array.NewStringBuilder(memory.NewGoAllocator())
		b.Append(strings.TrimPrefix(stmt, "select "))
		schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.BinaryTypes.String}}, nil)
		return &Result{Schema: schema, Batches: []arrow.RecordBatch{array.NewRecordBatch(schema, []arrow.Array{b.NewArray()}, 1)}}, nil
	}
	return &Result{Message: "ok: " + stmt}, nil
}

func newShell(f Format) (*Shell, *fakeEngine, *bytes.Buffer, *bytes.Buffer) {
	fe := &fakeEngine{}
	var out, errOut bytes.Buffer
	return &Shell{Exec: fe.exec, Out: &out, Err: &errOut, Format: f}, fe, &out, &errOut
}

func TestRunTextRunsEveryStatementIncludingAnUnterminatedLastOne(t *testing.T) {
	sh, fe, out, _ := newShell(FormatCSV)
	if err := sh.RunText(context.Background(), "select 1; select 'x;y';\n select 3"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"select 1", "select 'x;y'", "select 3"}; !reflect.DeepEqual(fe.ran, want) {
		t.Fatalf("ran %q, want %q", fe.ran, want)
	}
	if want := "v\r\n1\r\nv\r\n'x;y'\r\nv\r\n3\r\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
}

func TestRunTextStopsAtTheFirstError(t *testing.T) {
	sh, fe, _, _ := newShell(FormatTable)
	err := sh.RunText(context.Background(), "select 1; boom; select 2;")
	if err == nil || err.Error() != "table boom not found" {
		t.Fatalf("err = %v", err)
	}
	if len(fe.ran) != 2 {
		t.Fatalf("ran %q after the error", fe.ran)
	}
}

func TestPanicsBecomeErrors(t *testing.T) {
	sh, _, _, _ := newShell(FormatTable)
	err := sh.RunText(context.Background(), "panic")
	if err == nil || !strings.HasPrefix(err.Error(), "internal error: index out of range") {
		t.Fatalf("err = %v", err)
	}
}

func TestRunReaderRunsStatementsAsTheyComplete(t *testing.T) {
	sh, fe, _, _ := newShell(FormatJSON)
	in := "-- a script\nselect 'a  \nb';\ncreate x\n;\nselect 4"
	if err := sh.RunReader(context.Background(), strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	// The comment line is complete by itself and dropped; the string literal keeps its spaces.
	want := []string{"select 'a  \nb'", "create x", "select 4"}
	if !reflect.DeepEqual(fe.ran, want) {
		t.Fatalf("ran %q, want %q", fe.ran, want)
	}
}

// lines is a scripted line editor: each entry is a line typed, or an error.
type lines struct {
	input   []any
	prompts []string
	history []string
}

func (l *lines) Readline() (string, error) {
	if len(l.input) == 0 {
		return "", io.EOF
	}
	next := l.input[0]
	l.input = l.input[1:]
	if err, ok := next.(error); ok {
		return "", err
	}
	return next.(string), nil
}
func (l *lines) SetPrompt(p string)            { l.prompts = append(l.prompts, p) }
func (l *lines) SaveHistory(line string) error { l.history = append(l.history, line); return nil }

func TestLoop(t *testing.T) {
	sh, fe, out, errOut := newShell(FormatTable)
	lr := &lines{input: []any{
		"",
		"select",         // continues...
		"  1;  select 2", // ...ends here; "select 2" starts the next statement
		";",
		"select 'half",
		readline.ErrInterrupt, // Ctrl-C drops it
		"boom;",               // errors are printed, the loop goes on
		`\d`,
		`\d lineitem`,
		`\timing`,
		`\nope`,
		`\h`,
		"select 5; -- trailing comment",
		`\q`,
		"select 6;", // never read
	}}
	if err := sh.Loop(context.Background(), lr); err != nil {
		t.Fatal(err)
	}
	want := []string{"select\n  1", "select 2", "boom", "SHOW TABLES", "DESCRIBE lineitem", "select 5"}
	if !reflect.DeepEqual(fe.ran, want) {
		t.Fatalf("ran %q, want %q", fe.ran, want)
	}
	if !strings.Contains(errOut.String(), "Error: table boom not found\n") ||
		!strings.Contains(errOut.String(), `Error: unknown command \nope (\h for help)`) {
		t.Errorf("stderr: %q", errOut.String())
	}
	if !strings.Contains(out.String(), "Timing is on.") || !strings.Contains(out.String(), `\d NAME`) {
		t.Errorf("stdout: %q", out.String())
	}
	if !strings.Contains(out.String(), "| 5 |\n+---+\n1 row (") {
		t.Errorf("timing on: footer has the time: %q", out.String())
	}
	if lr.prompts[0] != ContinuationPrompt {
		t.Errorf("prompts: %q", lr.prompts)
	}
	wantHistory := []string{"select   1;  select 2", "select 2 ;", "boom;", `\d`, `\d lineitem`, `\timing`, `\nope`, `\h`, "select 5; -- trailing comment", `\q`}
	if !reflect.DeepEqual(lr.history, wantHistory) {
		t.Errorf("history %q, want %q", lr.history, wantHistory)
	}
}

func TestLoopEndsAtEOFAndOnQuitWords(t *testing.T) {
	for _, word := range []string{"quit", "exit", "EXIT;", `\q`} {
		sh, fe, _, _ := newShell(FormatTable)
		if err := sh.Loop(context.Background(), &lines{input: []any{word, "select 1;"}}); err != nil {
			t.Fatal(err)
		}
		if len(fe.ran) != 0 {
			t.Errorf("%s: ran %q after quitting", word, fe.ran)
		}
	}
}
