package shuffle

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// roundTrip writes batches into numPartitions partitions and reads each
// partition back: the union is the input, and every row is in its hash
// partition.
func roundTrip(t *testing.T, s *Store, id MapOutputID, numPartitions int, batches []arrow.RecordBatch) {
	t.Helper()
	rows := writeMapOutput(t, s, id, numPartitions, batches)
	var all []arrow.RecordBatch
	for p := 0; p < numPartitions; p++ {
		schema, r, err := s.Open(id.Partition(p))
		if err != nil {
			t.Fatal(err)
		}
		if !schema.Equal(lineitemSchema) || !r.Schema().Equal(lineitemSchema) {
			t.Fatalf("schema %s, want %s", schema, lineitemSchema)
		}
		got := readAll(t, r)
		var n int64
		for _, b := range got {
			n += b.NumRows()
		}
		if n != rows[p] {
			t.Fatalf("partition %d: read %d rows, writer reported %d", p, n, rows[p])
		}
		checkPartitioned(t, got, p, numPartitions)
		all = append(all, got...)
	}
	sameRows(t, all, batches)
}

func TestStoreRoundTripInMemory(t *testing.T) {
	s, err := NewStore(t.TempDir(), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	batches := genBatches(1, 6, 1000, 7)
	roundTrip(t, s, mapID("q1", 1, 0), 4, batches)
	st := s.Stats()
	if st.BytesInMemory == 0 || st.BytesOnDisk != 0 || st.Spills != 0 || st.MapOutputs != 1 {
		t.Fatalf("stats %+v: want everything in memory", st)
	}
	if st.BytesWritten != st.BytesInMemory {
		t.Fatalf("stats %+v: written != in memory", st)
	}
	if st.BytesReadLocal != st.BytesWritten {
		t.Fatalf("stats %+v: every byte read once", st)
	}
}

func TestStoreRoundTripUncompressed(t *testing.T) {
	for _, limit := range []int64{1 << 30, 0} {
		s, err := NewStore(t.TempDir(), limit)
		if err != nil {
			t.Fatal(err)
		}
		s.SetCompression(CompressionNone)
		batches := genBatches(8, 3, 1000, 4)
		roundTrip(t, s, mapID("qn", 1, 0), 3, batches)
		s.SetCompression(CompressionLZ4)
		roundTrip(t, s, mapID("qn", 1, 1), 3, batches)
		if st := s.Stats(); st.MapOutputs != 2 {
			t.Fatalf("stats %+v", st)
		}
	}
}

func TestStoreRoundTripSpilled(t *testing.T) {
	for _, limit := range []int64{0, 1} {
		s, err := NewStore(t.TempDir(), limit)
		if err != nil {
			t.Fatal(err)
		}
		old := spillBufferBytes
		spillBufferBytes = 16 << 10 // several extents per partition
		batches := genBatches(2, 8, 1000, 5)
		roundTrip(t, s, mapID("q2", 3, 1), 5, batches)
		spillBufferBytes = old
		st := s.Stats()
		if st.BytesInMemory != 0 || st.BytesOnDisk == 0 || st.Spills != 1 || st.BytesOnDisk != st.BytesWritten {
			t.Fatalf("limit %d: stats %+v: want everything on disk", limit, st)
		}
		files, _ := filepath.Glob(filepath.Join(s.Dir(), "q-q2", "*"))
		if len(files) != 1 {
			t.Fatalf("want one file per map output, got %v", files)
		}
	}
}

// A writer that outgrows the memory limit midway moves what it holds to
// disk and continues there.
func TestStoreSpillMidway(t *testing.T) {
	s, err := NewStore(t.TempDir(), 100<<10)
	if err != nil {
		t.Fatal(err)
	}
	small := genBatches(3, 1, 500, 0)
	roundTrip(t, s, mapID("q3", 1, 0), 3, small) // fits
	big := genBatches(4, 10, 2000, 0)
	roundTrip(t, s, mapID("q3", 1, 1), 3, big) // does not
	st := s.Stats()
	if st.Spills != 1 || st.BytesInMemory == 0 || st.BytesOnDisk == 0 || st.BytesInMemory > 100<<10 {
		t.Fatalf("stats %+v: want one output in memory and one on disk", st)
	}
}

func TestStoreTypesAndEmptyPartitions(t *testing.T) {
	s, err := NewStore(t.TempDir(), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	// 64 partitions for 10 rows: most partitions are empty but readable.
	roundTrip(t, s, mapID("q4", 1, 0), 64, genBatches(5, 1, 10, 3))
	// A map output with no rows at all.
	roundTrip(t, s, mapID("q4", 1, 1), 2, nil)
	// One partition (a gather): batches stay whole and in order.
	batches := genBatches(6, 3, 100, 0)
	writeMapOutput(t, s, mapID("q4", 2, 0), 1, batches)
	_, r, err := s.Open(PartitionID{Query: "q4", Stage: 2, MapTask: 0, Partition: 0})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, r)
	if len(got) != 3 || rowStrings(got)[0] != rowStrings(batches)[0] {
		t.Fatalf("gather changed the batches")
	}
}

func TestStoreNotFound(t *testing.T) {
	s, err := NewStore(t.TempDir(), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Open(PartitionID{Query: "nope", Stage: 1, MapTask: 2, Partition: 3})
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want NotFoundError", err)
	}
	writeMapOutput(t, s, mapID("q", 1, 0), 2, genBatches(1, 1, 10, 0))
	if _, _, err := s.Open(PartitionID{Query: "q", Stage: 1, MapTask: 0, Partition: 2}); err == nil || errors.Is(err, ErrNotFound) {
		t.Fatalf("partition out of range: got %v", err)
	}
}

func TestNewStoreDeletesLeftovers(t *testing.T) {
	dir := t.TempDir()
	s, err := NewStore(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	writeMapOutput(t, s, mapID("crashed", 1, 0), 2, genBatches(1, 2, 100, 0))
	stray := filepath.Join(s.Dir(), "q-crashed", "half-written.tmp")
	if err := os.WriteFile(stray, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "not-shuffle.txt")
	if err := os.WriteFile(other, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The process "crashes": a new store opens the same work directory.
	s2, err := NewStore(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(s2.Dir())
	if err != nil || len(entries) != 0 {
		t.Fatalf("leftovers not deleted: %v %v", entries, err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("a file outside workDir/shuffle was deleted: %v", err)
	}
	if _, _, err := s2.Open(PartitionID{Query: "crashed", Stage: 1, MapTask: 0, Partition: 0}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want not found", err)
	}
}

func TestDropQueryFreesMemoryAndFiles(t *testing.T) {
	s, err := NewStore(t.TempDir(), 200<<10)
	if err != nil {
		t.Fatal(err)
	}
	writeMapOutput(t, s, mapID("a", 1, 0), 4, genBatches(1, 1, 500, 0))   // memory
	writeMapOutput(t, s, mapID("a", 1, 1), 4, genBatches(2, 10, 2000, 0)) // disk
	writeMapOutput(t, s, mapID("b", 1, 0), 4, genBatches(3, 1, 500, 0))
	before := s.Stats()
	if before.BytesOnDisk == 0 || before.BytesInMemory == 0 {
		t.Fatalf("setup: %+v", before)
	}
	// A writer of the query still running when it is dropped.
	late, err := s.NewWriter(mapID("a", 2, 0), 1, lineitemSchema)
	if err != nil {
		t.Fatal(err)
	}
	s.DropQuery("a")
	after := s.Stats()
	if after.BytesOnDisk != 0 || after.MapOutputs != 1 || after.BytesInMemory >= before.BytesInMemory || after.BytesInMemory == 0 {
		t.Fatalf("after drop: %+v (before %+v)", after, before)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), "q-a")); !os.IsNotExist(err) {
		t.Fatalf("query directory still there: %v", err)
	}
	if _, _, err := s.Open(PartitionID{Query: "a", Stage: 1, MapTask: 1, Partition: 0}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("dropped output: %v", err)
	}
	if _, _, err := s.Open(PartitionID{Query: "b", Stage: 1, MapTask: 0, Partition: 0}); err != nil {
		t.Fatalf("other query: %v", err)
	}
	if err := late.Write(0, genBatches(4, 1, 10, 0)[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := late.Commit(); err == nil {
		t.Fatal("commit after DropQuery succeeded")
	}
	if st := s.Stats(); st.BytesInMemory != after.BytesInMemory {
		t.Fatalf("late writer leaked memory: %+v", st)
	}
	if _, err := s.NewWriter(mapID("a", 3, 0), 1, lineitemSchema); err == nil {
		t.Fatal("new writer of a dropped query")
	}
	s.DropQuery("b")
	if st := s.Stats(); st.BytesInMemory != 0 || st.MapOutputs != 0 {
		t.Fatalf("after dropping everything: %+v", st)
	}
}

func TestDropMapOutputAndAbort(t *testing.T) {
	s, err := NewStore(t.TempDir(), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	id := mapID("q", 1, 0)
	writeMapOutput(t, s, id, 2, genBatches(1, 1, 100, 0))
	s.Drop(id)
	if s.Has(id) || s.Stats().BytesInMemory != 0 {
		t.Fatalf("Drop kept the output: %+v", s.Stats())
	}
	w, err := s.NewWriter(mapID("q", 1, 1), 2, lineitemSchema)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(1, genBatches(2, 1, 100, 0)[0]); err != nil {
		t.Fatal(err)
	}
	w.Abort()
	w.Abort()
	if st := s.Stats(); st.BytesInMemory != 0 || st.MapOutputs != 0 {
		t.Fatalf("abort leaked: %+v", st)
	}
	// A re-run replaces the earlier commit.
	writeMapOutput(t, s, id, 2, genBatches(3, 1, 100, 0))
	first := s.Stats().BytesInMemory
	writeMapOutput(t, s, id, 2, genBatches(3, 1, 100, 0))
	if st := s.Stats(); st.BytesInMemory != first || st.MapOutputs != 1 {
		t.Fatalf("re-run: %+v", st)
	}
}

func TestWriterRejects(t *testing.T) {
	s, err := NewStore(t.TempDir(), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []MapOutputID{{Query: "", Stage: 1}, {Query: "../x", Stage: 1}, {Query: "q", Stage: -1}} {
		if _, err := s.NewWriter(id, 1, lineitemSchema); err == nil {
			t.Errorf("NewWriter(%+v) accepted", id)
		}
	}
	if _, err := s.NewWriter(mapID("q", 1, 0), 0, lineitemSchema); err == nil {
		t.Error("0 partitions accepted")
	}
	w, _ := s.NewWriter(mapID("q", 1, 0), 2, arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int32}}, nil))
	if err := w.Write(0, genBatches(1, 1, 10, 0)[0]); err == nil {
		t.Error("batch of another schema accepted")
	}
	if err := w.Write(2, genBatches(1, 1, 10, 0)[0]); err == nil {
		t.Error("partition out of range accepted")
	}
	w.Abort()
}
