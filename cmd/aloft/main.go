// Command aloft is Aloft's command-line tool: the SQL shell, the TPC-H data
// generator and benchmark, and the version.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
}
