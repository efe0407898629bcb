package sql

import "strings"

// SplitStatements splits SQL text into statements at the semicolons that
// are outside quotes ('...', "...", `...`) and comments (-- ..., # ...,
// /* ... */). It returns the complete statements, trimmed and without their
// ';' (statements that are empty or only comments are dropped), and the
// unterminated remainder, trimmed ("" when it holds only whitespace and
// comments). The shell keeps reading lines while the remainder is not empty;
// scripts run a non-empty remainder as their last statement.
//
// Comments stay in the statement text because the parser reads them too
// (MySQL's /*! ... */ and optimizer hints are comments). As in MySQL, "--"
// starts a comment only when followed by whitespace or the end of the text,
// so 1--1 is an expression, and a backslash escapes the next character
// inside '...' and "..." strings.
func SplitStatements(text string) (stmts []string, rest string) {
	stmts, pending := SplitPending(text)
	return stmts, strings.TrimSpace(pending)
}

// SplitPending is SplitStatements for text that is still being typed: the
// remainder is returned as it is, from just after the last ';', so that a
// string literal left open at the end of a line keeps its trailing spaces
// when the next line is appended. It is "" when the remainder holds only
// whitespace and finished comments; an unfinished /* comment counts as
// pending, since the lines that follow are inside it.
func SplitPending(text string) (stmts []string, pending string) {
	start := 0       // where the current statement begins
	hasCode := false // the current statement has something besides comments
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ';':
			if hasCode {
				stmts = append(stmts, strings.TrimSpace(text[start:i]))
			}
			i++
			start, hasCode = i, false
		case c == '\'' || c == '"' || c == '`':
			hasCode = true
			i = splitSkipQuoted(text, i)
		case c == '#' || c == '-' && splitIsLineComment(text, i):
			i = splitSkipLine(text, i)
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			if i+2 < len(text) && (text[i+2] == '!' || text[i+2] == '+') {
				// Executable comments and hints are code to the parser.
				hasCode = true
			}
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				hasCode = true
				i = len(text)
			} else {
				i += 2 + end + 2
			}
		default:
			if !splitIsSpace(c) {
				hasCode = true
			}
			i++
		}
	}
	if hasCode {
		pending = text[start:]
	}
	return stmts, pending
}

// splitSkipQuoted returns the index just past the quoted text that starts at i,
// or len(text) when it is not closed. A doubled quote ('it”s') reads as a
// close followed by a new open, which is equivalent for splitting.
func splitSkipQuoted(text string, i int) int {
	q := text[i]
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			if q != '`' {
				j++
			}
		case q:
			return j + 1
		}
	}
	return len(text)
}

// splitIsLineComment reports whether "--" at i starts a comment.
func splitIsLineComment(text string, i int) bool {
	if i+1 >= len(text) || text[i+1] != '-' {
		return false
	}
	return i+2 == len(text) || splitIsSpace(text[i+2])
}

// splitSkipLine returns the index of the newline ending the line at i (or len(text)).
func splitSkipLine(text string, i int) int {
	if nl := strings.IndexByte(text[i:], '\n'); nl >= 0 {
		return i + nl
	}
	return len(text)
}

func splitIsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
