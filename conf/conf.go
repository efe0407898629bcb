// Package conf loads Aloft's configuration. Every setting has a key
// (executor.memory), an environment variable (ALOFT_EXECUTOR_MEMORY) and,
// for the commands that take it, a flag (--executor-memory). Precedence is
// flags > environment > config file (aloft.yaml) > defaults, so a setting
// can be pinned in a file and still be overridden for one run.
package conf

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Keys of the settings.
const (
	KeyExecutorCores  = "executor.cores"
	KeyExecutorMemory = "executor.memory"
	KeyBatchSize      = "exec.batch_size"
)

// DefaultConfigFile is read from the working directory when no --config is given.
const DefaultConfigFile = "aloft.yaml"

// EnvPrefix prefixes the environment variables: executor.memory is
// ALOFT_EXECUTOR_MEMORY.
const EnvPrefix = "ALOFT"

// DefaultBatchSize is the default exec.batch_size (rows per batch).
const DefaultBatchSize = 8192

// fallbackMemory is the memory assumed when /proc/meminfo cannot be read.
const fallbackMemory = 4 << 30

// Config is the resolved configuration.
type Config struct {
	Executor Executor `json:"executor"`
	// BatchSize is the target number of rows per batch (exec.batch_size).
	BatchSize int `json:"batch_size"`
	// File is the config file that was read, "" when none was.
	File string `json:"file,omitempty"`
}

// Executor configures the resources one executor uses. In this single-node
// milestone the process is the one executor.
type Executor struct {
	// Cores is the number of partitions a plan runs as (executor.cores).
	Cores int `json:"cores"`
	// Memory is the bytes that buffering operators may hold (executor.memory).
	Memory int64 `json:"memory"`
}

// flagKeys maps the flags that AddFlags defines to their keys.
var flagKeys = map[string]string{
	"executor-cores":  KeyExecutorCores,
	"executor-memory": KeyExecutorMemory,
	"batch-size":      KeyBatchSize,
}

// EnvVar returns the environment variable that sets key.
func EnvVar(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// AddFlags defines the configuration flags on fs. Their defaults are empty
// on purpose: a flag only counts when it is given, so that an unset flag
// never hides the environment or the config file.
func AddFlags(fs *pflag.FlagSet) {
	fs.String("executor-memory", "", "`SIZE` of the memory buffering operators may hold, e.g. 8g, 512m (default: 60% of physical memory)")
	fs.Int("executor-cores", 0, "`N` partitions per query (default: number of CPUs)")
	fs.Int("batch-size", 0, fmt.Sprintf("target `ROWS` per batch (default %d)", DefaultBatchSize))
}

// Defaults returns the configuration used when nothing is set.
func Defaults() *Config {
	return &Config{
		Executor:  Executor{Cores: runtime.NumCPU(), Memory: DefaultMemory()},
		BatchSize: DefaultBatchSize,
	}
}

// DefaultMemory is 60% of the machine's physical memory, leaving the rest to
// the Go runtime's own overhead, the OS page cache (Parquet reads) and other
// processes; 4 GiB when the total cannot be read.
func DefaultMemory() int64 {
	total, err := physicalMemory("/proc/meminfo")
	if err != nil || total <= 0 {
		return fallbackMemory
	}
	return total / 10 * 6
}

// physicalMemory reads MemTotal from a meminfo file.
func physicalMemory(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s: MemTotal: %w", path, err)
			}
			return kb * 1024, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s: no MemTotal line", path)
}

// Load resolves the configuration. flags may be nil; only the flags that
// were set on the command line count. configFile is the --config path: it
// must exist when given; when empty, ./aloft.yaml is read if present.
func Load(flags *pflag.FlagSet, configFile string) (*Config, error) {
	v := viper.New()
	def := Defaults()
	v.SetDefault(KeyExecutorCores, def.Executor.Cores)
	v.SetDefault(KeyExecutorMemory, def.Executor.Memory)
	v.SetDefault(KeyBatchSize, def.BatchSize)

	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()

	file := configFile
	if file == "" {
		if _, err := os.Stat(DefaultConfigFile); err == nil {
			file = DefaultConfigFile
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("config file: %w", err)
		}
	}
	if file != "" {
		v.SetConfigFile(file)
		if !strings.Contains(file[strings.LastIndex(file, "/")+1:], ".") {
			// A file without an extension is still YAML.
			v.SetConfigType("yaml")
		}
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config file %s: %w", file, err)
		}
		if err := checkKeys(v.AllKeys()); err != nil {
			return nil, fmt.Errorf("config file %s: %w", file, err)
		}
	}

	if flags != nil {
		// Visit walks only the flags set on the command line.
		flags.Visit(func(f *pflag.Flag) {
			if key, ok := flagKeys[f.Name]; ok {
				v.Set(key, f.Value.String())
			}
		})
	}

	cfg := &Config{File: file}
	var err error
	if cfg.Executor.Cores, err = positiveInt(v, KeyExecutorCores); err != nil {
		return nil, err
	}
	if cfg.BatchSize, err = positiveInt(v, KeyBatchSize); err != nil {
		return nil, err
	}
	mem := strings.TrimSpace(fmt.Sprint(v.Get(KeyExecutorMemory)))
	if cfg.Executor.Memory, err = ParseBytes(mem); err != nil {
		return nil, fmt.Errorf("%s: invalid size %q (want a byte count such as 8g, 512m or 1.5GiB)", KeyExecutorMemory, mem)
	}
	if cfg.Executor.Memory <= 0 {
		return nil, fmt.Errorf("%s: must be positive, got %q", KeyExecutorMemory, mem)
	}
	return cfg, nil
}

// checkKeys rejects keys Aloft does not know, so that a misspelt key in a
// config file is an error instead of being silently ignored.
func checkKeys(keys []string) error {
	known := map[string]bool{KeyExecutorCores: true, KeyExecutorMemory: true, KeyBatchSize: true}
	var unknown []string
	for _, k := range keys {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("unknown key %q (known keys: %s, %s, %s)", unknown[0], KeyExecutorCores, KeyExecutorMemory, KeyBatchSize)
}

func positiveInt(v *viper.Viper, key string) (int, error) {
	raw := strings.TrimSpace(fmt.Sprint(v.Get(key)))
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, fmt.Errorf("%s: invalid integer %q", key, raw)
	}
	if n <= 0 {
		return 0, fmt.Errorf("%s: must be at least 1, got %d", key, n)
	}
	return n, nil
}

// byteUnits are binary multiples whatever the spelling, as in Spark and the
// JVM: 1k = 1kb = 1KiB = 1024 bytes.
var byteUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
	"t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40,
}

// ParseBytes parses a size: a number, optionally fractional, and an optional
// case-insensitive unit (b, k, kb, kib, m, mb, mib, g, gb, gib, t, tb, tib),
// e.g. "8g", "512m", "1.5GiB", "1073741824". The result is rounded down to
// whole bytes.
func ParseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	mult, ok := byteUnits[unit]
	if num == "" || !ok {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	if !strings.Contains(num, ".") {
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n > math.MaxInt64/mult {
			return 0, fmt.Errorf("invalid size %q", s)
		}
		return n * mult, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f*float64(mult) >= math.MaxInt64 {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	return int64(f * float64(mult)), nil
}
