package wire

import (
	"testing"
)

// BenchmarkEncodeQ9 and BenchmarkDecodeQ9 time the plan of TPC-H Q9 (19
// operators, 6 scans); "bytes" is the encoded size.
func BenchmarkEncodeQ9(b *testing.B) {
	plan := tpchPlan(b, 9)
	var n int
	b.ReportAllocs()
	for b.Loop() {
		data, err := EncodePlan(plan)
		if err != nil {
			b.Fatal(err)
		}
		n = len(data)
	}
	b.ReportMetric(float64(n), "bytes")
}

func BenchmarkDecodeQ9(b *testing.B) {
	plan := tpchPlan(b, 9)
	data, err := EncodePlan(plan)
	if err != nil {
		b.Fatal(err)
	}
	env := envFor(plan)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodePlan(data, env); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data)), "bytes")
}

func BenchmarkSplits(b *testing.B) {
	var splits = Scans(tpchPlan(b, 9))[0].Splits()
	for _, s := range Scans(tpchPlan(b, 9))[1:] {
		splits = append(splits, s.Splits()...)
	}
	data, err := EncodeSplits(splits)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeSplits(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data)), "bytes")
	b.ReportMetric(float64(len(splits)), "splits")
}
