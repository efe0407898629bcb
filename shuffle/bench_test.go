package shuffle

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// BenchmarkFlightShuffleThroughput moves ~200 MB (uncompressed Arrow) of
// TPC-H-like batches (int64, decimal128, date32, strings; 8192 rows a
// batch, the engine's batch size) from one executor's Flight service to a
// reducer over loopback. MB/s counts uncompressed bytes delivered as
// decoded batches; wire-MB/s the compressed bytes that crossed the socket.
//
//	go test -run XXX -bench FlightShuffleThroughput -benchtime 5x ./shuffle
func BenchmarkFlightShuffleThroughput(b *testing.B) {
	b.Run("lz4", func(b *testing.B) { benchShuffle(b, CompressionLZ4) })
	b.Run("none", func(b *testing.B) { benchShuffle(b, CompressionNone) })
}

func benchShuffle(b *testing.B, codec Compression) {
	const (
		target   = 200 << 20
		maps     = 8
		distinct = 24
	)
	x := startExecutor(b, 4<<30)
	x.store.SetCompression(codec)
	uniq := genBatches(42, distinct, 8192, 0)
	var total int64
	var perMap [maps][]arrow.RecordBatch
	for i := 0; total < target; i++ {
		bt := uniq[i%distinct]
		perMap[i%maps] = append(perMap[i%maps], bt)
		total += batchBytes(bt)
	}
	var locs []Location
	for m := 0; m < maps; m++ {
		id := mapID("bench", 1, m)
		w, err := x.store.NewWriter(id, 1, lineitemSchema)
		if err != nil {
			b.Fatal(err)
		}
		for _, bt := range perMap[m] {
			if err := w.Write(0, bt); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := w.Commit(); err != nil {
			b.Fatal(err)
		}
		locs = append(locs, Location{Addr: x.addr, ID: id.Partition(0)})
	}
	wire := x.store.Stats().BytesWritten
	b.Logf("%d MB uncompressed, %d MB stored (ratio %.2f)", total>>20, wire>>20, float64(total)/float64(wire))

	drain := func(b *testing.B, r interface {
		Next() (arrow.RecordBatch, error)
		Close()
	}) int64 {
		defer r.Close()
		var rows int64
		for {
			bt, err := r.Next()
			if err != nil {
				b.Fatal(err)
			}
			if bt == nil {
				return rows
			}
			rows += bt.NumRows()
			bt.Release()
		}
	}
	report := func(b *testing.B) {
		b.ReportMetric(float64(wire)*float64(b.N)/b.Elapsed().Seconds()/1e6, "wire-MB/s")
	}

	// One Flight stream at a time, map output after map output.
	b.Run("streams=1", func(b *testing.B) {
		f := newTestFetcher(b, testSecret, "", nil)
		b.SetBytes(total)
		for i := 0; i < b.N; i++ {
			for _, l := range locs {
				r, err := f.Fetch(context.Background(), l.Addr, l.ID)
				if err != nil {
					b.Fatal(err)
				}
				drain(b, r)
			}
		}
		report(b)
	})
	// A reducer reading the 8 map outputs through ShuffleReaderExec (one
	// peer: one stream at a time; 64 MiB in flight).
	b.Run("reader", func(b *testing.B) {
		f := newTestFetcher(b, testSecret, "", nil)
		reader := NewShuffleReaderExec(lineitemSchema, 1, func(int) []Location { return locs }, f)
		b.SetBytes(total)
		for i := 0; i < b.N; i++ {
			st, err := reader.Execute(testTaskContext(), 0)
			if err != nil {
				b.Fatal(err)
			}
			drain(b, st)
		}
		report(b)
	})
	// The same reducer on the executor holding the data: no gRPC.
	b.Run("local", func(b *testing.B) {
		f := newTestFetcher(b, testSecret, x.addr, x.store)
		reader := NewShuffleReaderExec(lineitemSchema, 1, func(int) []Location { return locs }, f)
		b.SetBytes(total)
		for i := 0; i < b.N; i++ {
			st, err := reader.Execute(testTaskContext(), 0)
			if err != nil {
				b.Fatal(err)
			}
			drain(b, st)
		}
		report(b)
	})
}

// BenchmarkWriteMapOutput measures the map side: hash-partitioning batches
// into 16 partitions and encoding them (LZ4 IPC) into the store.
func BenchmarkWriteMapOutput(b *testing.B) {
	s, err := NewStore(b.TempDir(), 4<<30)
	if err != nil {
		b.Fatal(err)
	}
	batches := genBatches(7, 16, 8192, 0)
	var total int64
	for _, bt := range batches {
		total += batchBytes(bt)
	}
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := mapID("bench", 1, i)
		w, err := s.NewWriter(id, 16, lineitemSchema)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := WriteMapOutput(testTaskContext(), &sliceStream{batches: batches}, orderKey, 16, w); err != nil {
			b.Fatal(err)
		}
		if _, err := w.Commit(); err != nil {
			b.Fatal(err)
		}
		s.Drop(id)
	}
}
