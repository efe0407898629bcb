package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"time"

	"github.com/chzyer/readline"

	"github.com/aloftdb/aloft/sql"
)

// The shell's prompts.
const (
	Prompt             = "aloft> "
	ContinuationPrompt = "    -> "
)

// ExecFunc runs one SQL statement; cmd/aloft adapts engine.Execute to it.
type ExecFunc func(ctx context.Context, sql string) (*Result, error)

// Shell runs SQL statements and prints their results: from text (-e, -f),
// from a non-interactive reader (a script on stdin), or interactively.
type Shell struct {
	Exec ExecFunc
	Out  io.Writer // results
	Err  io.Writer // errors and notices
	// Format of the results; the zero value is the table format.
	Format Format
	// Timing shows the elapsed time in the table format's footer.
	Timing bool
}

// RunText runs the statements of text in order, the unterminated last one
// included, and stops at the first error, which it returns.
func (s *Shell) RunText(ctx context.Context, text string) error {
	stmts, rest := sql.SplitStatements(text)
	if rest != "" {
		stmts = append(stmts, rest)
	}
	for _, stmt := range stmts {
		if err := s.Run(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// RunReader runs the statements read from r as they complete, so that a
// long script (or a pipe that stays open) starts producing results before
// its end. It stops at the first error, which it returns.
func (s *Shell) RunReader(ctx context.Context, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 256<<20)
	var pending string
	for sc.Scan() {
		if pending != "" {
			pending += "\n"
		}
		pending += sc.Text()
		var stmts []string
		stmts, pending = sql.SplitPending(pending)
		for _, stmt := range stmts {
			if err := s.Run(ctx, stmt); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if rest := strings.TrimSpace(pending); rest != "" {
		return s.Run(ctx, rest)
	}
	return nil
}

// Run executes one statement and prints its result.
func (s *Shell) Run(ctx context.Context, stmt string) error {
	start := time.Now()
	res, err := s.exec(ctx, stmt)
	if err != nil {
		return err
	}
	elapsed := res.Elapsed
	if elapsed <= 0 {
		elapsed = time.Since(start)
	}
	p := Printer{Out: s.Out, Format: s.Format, Timing: s.Timing}
	return p.Print(res, elapsed)
}

// exec calls Exec, turning a panic into an error: a bug in one statement
// should not end a session, and the stack says where it was.
func (s *Shell) exec(ctx context.Context, stmt string) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v\n%s", r, debug.Stack())
		}
	}()
	res, err = s.Exec(ctx, stmt)
	if err == nil && res == nil {
		err = errors.New("internal error: no result")
	}
	return res, err
}

// LineReader is what the interactive loop needs of a line editor;
// *readline.Instance implements it.
type LineReader interface {
	Readline() (string, error)
	SetPrompt(prompt string)
	SaveHistory(line string) error
}

// Interactive runs the shell on the terminal with line editing and the
// history in historyFile ("" for none). It returns when the user quits.
func (s *Shell) Interactive(ctx context.Context, historyFile string) error {
	rl, err := readline.NewEx(&readline.Config{
		Prompt:                 Prompt,
		HistoryFile:            historyFile,
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
	})
	if err != nil {
		return err
	}
	defer rl.Close()
	return s.Loop(ctx, rl)
}

// Loop reads statements from lr until \q or end of input. A statement ends
// at its ';' and may span lines; Ctrl-C (readline.ErrInterrupt) drops the
// statement being typed, and during a query cancels it. Errors are printed
// and the loop goes on.
func (s *Shell) Loop(ctx context.Context, lr LineReader) error {
	var pending string // text of the statement being typed
	var lines []string // its lines, for the history
	reset := func() {
		pending, lines = "", nil
		lr.SetPrompt(Prompt)
	}
	for {
		line, err := lr.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			reset()
			continue
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if pending == "" && len(lines) == 0 {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if quit, ok := s.meta(ctx, line); ok {
				lr.SaveHistory(strings.TrimSpace(line))
				if quit {
					return nil
				}
				continue
			}
		}
		lines = append(lines, line)
		if pending != "" || len(lines) > 1 {
			pending += "\n"
		}
		pending += line
		stmts, rest := sql.SplitPending(pending)
		if len(stmts) == 0 && rest != "" {
			lr.SetPrompt(ContinuationPrompt)
			continue
		}
		saveHistory(lr, lines)
		for _, stmt := range stmts {
			s.runInteractive(ctx, stmt)
		}
		// Text typed after the last ';' on the same line starts the next statement.
		reset()
		if rest = strings.TrimLeft(rest, " \t\r\n"); rest != "" {
			pending, lines = rest, []string{rest}
			lr.SetPrompt(ContinuationPrompt)
		}
	}
}

// saveHistory stores a statement typed over several lines as one history
// entry, so that it comes back whole, unless joining the lines would change
// it: a -- or # comment would swallow the lines after it.
func saveHistory(lr LineReader, lines []string) {
	joined := strings.TrimSpace(strings.Join(lines, " "))
	if len(lines) == 1 || !strings.Contains(joined, "--") && !strings.Contains(joined, "#") {
		lr.SaveHistory(joined)
		return
	}
	for _, l := range lines {
		lr.SaveHistory(l)
	}
}

// runInteractive runs one statement so that Ctrl-C cancels it rather than
// ending the shell, and prints any error.
func (s *Shell) runInteractive(ctx context.Context, stmt string) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	err := s.Run(ctx, stmt)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			err = errors.New("query cancelled")
		}
		fmt.Fprintf(s.Err, "Error: %v\n", err)
	}
}

// HelpText lists the shell's commands.
const HelpText = `Enter SQL statements ending with ';' (they may span lines).
  \d            list the tables (SHOW TABLES)
  \d NAME       describe a table (DESCRIBE NAME)
  \timing       show or hide the elapsed time under results
  \h  \?        this help
  \q  quit  exit
                leave the shell (Ctrl-D too)
Ctrl-C clears the statement being typed, or cancels a running query.
`

// meta handles a shell command. ok is false when line is not one (it is
// then SQL); quit is true when the shell should end.
func (s *Shell) meta(ctx context.Context, line string) (quit, ok bool) {
	cmd := strings.TrimSpace(line)
	switch strings.ToLower(strings.TrimRight(cmd, "; ")) {
	case "quit", "exit", `\q`:
		return true, true
	case "help", `\h`, `\?`:
		fmt.Fprint(s.Out, HelpText)
		return false, true
	case `\timing`:
		s.Timing = !s.Timing
		state := "off"
		if s.Timing {
			state = "on"
		}
		fmt.Fprintf(s.Out, "Timing is %s.\n", state)
		return false, true
	case `\d`:
		s.runInteractive(ctx, "SHOW TABLES")
		return false, true
	}
	if !strings.HasPrefix(cmd, `\`) {
		return false, false
	}
	fields := strings.Fields(strings.TrimRight(cmd, ";"))
	if fields[0] == `\d` && len(fields) == 2 {
		s.runInteractive(ctx, "DESCRIBE "+fields[1])
		return false, true
	}
	fmt.Fprintf(s.Err, "Error: unknown command %s (\\h for help)\n", fields[0])
	return false, true
}
