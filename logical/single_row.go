package logical

import (
	"fmt"
	"strings"
)

// EnforceSingleRow passes its input through when it has at most one row and
// fails with "Subquery returns more than 1 row" otherwise: the runtime check
// of a scalar subquery that is not known to return at most one row. With
// Keys (input column IDs), the check is per distinct key: at most one row
// for each combination of the key columns' values (NULLs compare equal),
// which checks a decorrelated subquery once per outer value.
type EnforceSingleRow struct {
	Input Node
	Keys  []ColumnID
}

func (n *EnforceSingleRow) Schema() []Column           { return n.Input.Schema() }
func (n *EnforceSingleRow) Children() []Node           { return []Node{n.Input} }
func (n *EnforceSingleRow) WithChildren(c []Node) Node { m := *n; m.Input = c[0]; return &m }
func (n *EnforceSingleRow) String() string {
	if len(n.Keys) == 0 {
		return "EnforceSingleRow"
	}
	k := make([]string, len(n.Keys))
	for i, id := range n.Keys {
		k[i] = fmt.Sprintf("#%d", id)
	}
	return "EnforceSingleRow: per [" + strings.Join(k, ", ") + "]"
}
