package sql

import (
	"fmt"
	"strings"

	"github.com/aloftdb/aloft/logical"
)

// scope is the set of columns a query block's expressions can name: the
// columns of its FROM items, and through outer the columns of enclosing
// query blocks (correlated subqueries).
type scope struct {
	cols  []scopeColumn
	outer *scope
}

// scopeColumn is a column visible by name. Column.Table is the qualifier.
type scopeColumn struct {
	logical.Column
	// mergedAway marks the right-hand copy of a USING/NATURAL join column:
	// an unqualified name and * see only the merged (left) copy.
	mergedAway bool
}

// errUnknownColumn and friends carry the exact user-facing messages.
func errUnknownColumn(table, name string) error {
	if table != "" {
		return fmt.Errorf("unknown column %q", table+"."+name)
	}
	return fmt.Errorf("unknown column %q", name)
}

// lookup finds table.name (table may be empty) in this scope only. found is
// false when no column matches; an ambiguous name is an error.
func (s *scope) lookup(table, name string) (logical.Column, bool, error) {
	var match *scopeColumn
	for i := range s.cols {
		c := &s.cols[i]
		if !strings.EqualFold(c.Name, name) {
			continue
		}
		if table != "" && !strings.EqualFold(c.Table, table) {
			continue
		}
		if table == "" && c.mergedAway {
			continue
		}
		if match != nil && match.ID != c.ID {
			if table != "" {
				return logical.Column{}, false, fmt.Errorf("column \"%s.%s\" is ambiguous", table, name)
			}
			return logical.Column{}, false, fmt.Errorf("column %q is ambiguous", name)
		}
		match = c
	}
	if match == nil {
		return logical.Column{}, false, nil
	}
	return match.Column, true, nil
}

// resolve finds a column in this scope or, failing that, in the enclosing
// scopes (innermost first).
func (s *scope) resolve(table, name string) (logical.Column, error) {
	for sc := s; sc != nil; sc = sc.outer {
		c, ok, err := sc.lookup(table, name)
		if err != nil {
			return logical.Column{}, err
		}
		if ok {
			return c, nil
		}
	}
	return logical.Column{}, errUnknownColumn(table, name)
}

// hasQualifier reports whether some column of this scope has qualifier table.
func (s *scope) hasQualifier(table string) bool {
	for _, c := range s.cols {
		if strings.EqualFold(c.Table, table) {
			return true
		}
	}
	return false
}

// ids is the set of column IDs produced by this scope's FROM items.
func (s *scope) ids() map[logical.ColumnID]bool {
	m := make(map[logical.ColumnID]bool, len(s.cols))
	for _, c := range s.cols {
		m[c.ID] = true
	}
	return m
}

// columnByID returns the scope column with id.
func (s *scope) columnByID(id logical.ColumnID) (logical.Column, bool) {
	for _, c := range s.cols {
		if c.ID == id {
			return c.Column, true
		}
	}
	return logical.Column{}, false
}

// qualify returns cols as scope columns under qualifier table.
func qualify(cols []logical.Column, table string) []scopeColumn {
	out := make([]scopeColumn, len(cols))
	for i, c := range cols {
		c.Table = table
		out[i] = scopeColumn{Column: c}
	}
	return out
}
