package conf

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// isolate runs the test in an empty directory (so no ./aloft.yaml is found)
// with none of the ALOFT_ variables set.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for _, key := range []string{KeyExecutorCores, KeyExecutorMemory, KeyBatchSize} {
		t.Setenv(EnvVar(key), "")
		os.Unsetenv(EnvVar(key))
	}
	return dir
}

func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func flagSet(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestDefaults(t *testing.T) {
	isolate(t)
	cfg, err := Load(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Executor.Cores != runtime.NumCPU() {
		t.Errorf("executor.cores = %d, want NumCPU %d", cfg.Executor.Cores, runtime.NumCPU())
	}
	if cfg.Executor.Memory != DefaultMemory() || cfg.Executor.Memory <= 0 {
		t.Errorf("executor.memory = %d, want %d", cfg.Executor.Memory, DefaultMemory())
	}
	if cfg.BatchSize != 8192 {
		t.Errorf("exec.batch_size = %d, want 8192", cfg.BatchSize)
	}
	if cfg.File != "" {
		t.Errorf("File = %q, want none", cfg.File)
	}
}

func TestDefaultMemoryIs60PercentOfMemTotal(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "meminfo"),
		"MemTotal:       10485760 kB\nMemFree:         1000 kB\n")
	total, err := physicalMemory(path)
	if err != nil {
		t.Fatal(err)
	}
	if total != 10<<30 {
		t.Fatalf("MemTotal = %d, want 10 GiB", total)
	}
	if _, err := physicalMemory(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("missing meminfo: want an error (Load then falls back to 4 GiB)")
	}
}

func TestPrecedenceFlagsOverEnvOverFileOverDefaults(t *testing.T) {
	dir := isolate(t)
	file := writeFile(t, filepath.Join(dir, "custom.yaml"), `
executor:
  cores: 3
  memory: 2g
exec:
  batch_size: 1000
`)
	// File only.
	cfg, err := Load(flagSet(t), file)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Executor.Cores != 3 || cfg.Executor.Memory != 2<<30 || cfg.BatchSize != 1000 || cfg.File != file {
		t.Fatalf("file: got %+v", cfg)
	}

	// Environment over file.
	t.Setenv("ALOFT_EXECUTOR_MEMORY", "512m")
	t.Setenv("ALOFT_EXEC_BATCH_SIZE", "4096")
	cfg, err = Load(flagSet(t), file)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Executor.Cores != 3 || cfg.Executor.Memory != 512<<20 || cfg.BatchSize != 4096 {
		t.Fatalf("env over file: got %+v", cfg)
	}

	// Flags over environment; flags that are not given change nothing.
	cfg, err = Load(flagSet(t, "--executor-memory", "1.5GiB", "--executor-cores", "7"), file)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Executor.Cores != 7 || cfg.Executor.Memory != 3<<29 || cfg.BatchSize != 4096 {
		t.Fatalf("flags over env: got %+v", cfg)
	}
}

func TestAloftYamlInWorkingDirectoryIsReadWithoutConfigFlag(t *testing.T) {
	dir := isolate(t)
	writeFile(t, filepath.Join(dir, "aloft.yaml"), "executor:\n  memory: 1073741824\n")
	cfg, err := Load(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Executor.Memory != 1<<30 || cfg.File != "aloft.yaml" {
		t.Fatalf("got %+v, want 1 GiB from aloft.yaml", cfg)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := isolate(t)
	cases := []struct {
		name    string
		file    string // config file contents, "" for none
		env     map[string]string
		args    []string
		wantErr string
	}{
		{name: "bad flag size", args: []string{"--executor-memory", "8x"},
			wantErr: `executor.memory: invalid size "8x"`},
		{name: "bad env size", env: map[string]string{"ALOFT_EXECUTOR_MEMORY": "lots"},
			wantErr: `executor.memory: invalid size "lots"`},
		{name: "zero memory", args: []string{"--executor-memory", "0"},
			wantErr: `executor.memory: must be positive`},
		{name: "zero cores", args: []string{"--executor-cores", "0"},
			wantErr: `executor.cores: must be at least 1, got 0`},
		{name: "bad env cores", env: map[string]string{"ALOFT_EXECUTOR_CORES": "four"},
			wantErr: `executor.cores: invalid integer "four"`},
		{name: "negative batch size", file: "exec:\n  batch_size: -1\n",
			wantErr: `exec.batch_size: must be at least 1, got -1`},
		{name: "misspelt key", file: "executor:\n  memroy: 8g\n",
			wantErr: `unknown key "executor.memroy"`},
		{name: "malformed yaml", file: "executor: [\n",
			wantErr: `config file`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			file := ""
			if c.file != "" {
				file = writeFile(t, filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".yaml"), c.file)
			}
			_, err := Load(flagSet(t, c.args...), file)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, c.wantErr)
			}
		})
	}
}

func TestMissingConfigFileIsAnError(t *testing.T) {
	dir := isolate(t)
	if _, err := Load(nil, filepath.Join(dir, "nope.yaml")); err == nil {
		t.Fatal("want an error for a --config file that does not exist")
	}
}

func TestParseBytes(t *testing.T) {
	good := map[string]int64{
		"0":          0,
		"1024":       1024,
		"100b":       100,
		"8k":         8 << 10,
		"8KB":        8 << 10,
		"512m":       512 << 20,
		"512MiB":     512 << 20,
		"8g":         8 << 30,
		"8G":         8 << 30,
		"1.5GiB":     3 << 29,
		"1.5 gb":     3 << 29,
		" 2t ":       2 << 40,
		"0.5k":       512,
		"1073741824": 1 << 30,
	}
	for in, want := range good {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "8x", "g", "-1g", "1.2.3g", "8 g b", "99999999999t", "1e9"} {
		if got, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) = %d, want an error", in, got)
		}
	}
}

func TestEnvVar(t *testing.T) {
	if got := EnvVar(KeyBatchSize); got != "ALOFT_EXEC_BATCH_SIZE" {
		t.Fatalf("EnvVar = %q", got)
	}
}
