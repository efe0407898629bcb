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
	for _, piece := range scanStatements(text) {
		if piece.unterminated {
			return stmts, piece.text
		}
		stmts = append(stmts, strings.TrimSpace(piece.text))
	}
	return stmts, ""
}
