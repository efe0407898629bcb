// Package shuffle is the data plane of distributed execution: where map
// tasks put their partitioned output and how reducers fetch it.
//
// A map task hash-partitions its input (WriteMapOutput) into a Writer of the
// executor's Store. The Store keeps each partition as LZ4-compressed Arrow IPC
// messages, in memory while the store stays under its memory limit and
// otherwise in one file per map output on local disk. The executor's Flight
// service (NewFlightService) streams a partition to a reducer with DoGet; the
// stored messages are sent as they are, without decompressing and
// recompressing. Reducers read through a Fetcher (one gRPC connection per peer,
// local reads skip gRPC) and ShuffleReaderExec, which fetches a reducer's map
// output partitions concurrently under a bound on bytes in flight.
//
// Every internal RPC carries the cluster secret in the gRPC metadata key
// x-aloft-cluster-secret (see UnaryServerInterceptor, StreamServerInterceptor
// and the client-side counterparts). A missing partition is reported as
// codes.NotFound, which a Fetcher turns into a *FetchFailedError so that the
// coordinator can recompute the lost map output (Spark's fetch failure).
package shuffle
