//go:build race

package engine

// raceEnabled tells tests that the race detector slows everything down.
const raceEnabled = true
