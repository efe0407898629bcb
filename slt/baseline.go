package slt

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Baseline records, per test file (path relative to the corpus root, with
// forward slashes), the pass rate CI must keep. It only moves up.
type Baseline struct {
	Files map[string]BaselineEntry `json:"files"`
}

// BaselineEntry is one file's recorded result.
type BaselineEntry struct {
	Rate    float64 `json:"rate"` // ok / (ok + not ok)
	OK      int     `json:"ok"`
	NotOK   int     `json:"not_ok"`
	Skipped int     `json:"skipped"`
}

// LoadBaseline reads a baseline; a missing file is an empty baseline.
func LoadBaseline(path string) (*Baseline, error) {
	b := &Baseline{Files: map[string]BaselineEntry{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if b.Files == nil {
		b.Files = map[string]BaselineEntry{}
	}
	return b, nil
}

// Raise records r under name unless the baseline already has a higher rate.
func (b *Baseline) Raise(name string, r *FileResult) {
	if old, ok := b.Files[name]; ok && old.Rate > r.Rate() {
		return
	}
	b.Files[name] = BaselineEntry{Rate: r.Rate(), OK: r.OK, NotOK: r.NotOK, Skipped: r.Skipped}
}

// Check returns an error when r's rate is below the baseline's for name.
func (b *Baseline) Check(name string, r *FileResult) error {
	old, ok := b.Files[name]
	if !ok {
		return nil
	}
	if r.Rate() < old.Rate-1e-12 {
		return fmt.Errorf("%s: pass rate %.4f (ok %d, not ok %d) is below the baseline %.4f (ok %d, not ok %d)",
			name, r.Rate(), r.OK, r.NotOK, old.Rate, old.OK, old.NotOK)
	}
	return nil
}

// Save writes the baseline as indented JSON with sorted keys.
func (b *Baseline) Save(path string) error {
	data, err := json.MarshalIndent(b, "", "  ") // encoding/json sorts map keys
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
