package flight

import (
	"context"
	"net"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// messageKey is the gRPC trailer in which DoPut CommandStatementUpdate
// returns the statement's message ("created table t"), so that the shell
// prints what local mode prints. Other clients ignore it.
const messageKey = "aloft-message-bin"

// setMessage sends msg in the trailer of the current call.
func setMessage(ctx context.Context, msg string) {
	if msg != "" {
		_ = grpc.SetTrailer(ctx, metadata.Pairs(messageKey, msg))
	}
}

// Serve listens on addr ("localhost:0" for any free port) and serves srv
// on a new gRPC server in the background. Stop it with GracefulStop or
// Stop; the listener's Addr is the address to connect to.
func Serve(addr string, srv *Server) (*grpc.Server, net.Listener, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	gs := grpc.NewServer(
		grpc.ChainUnaryInterceptor(recoverUnary),
		grpc.ChainStreamInterceptor(recoverStream),
	)
	flight.RegisterFlightServiceServer(gs, flightsql.NewFlightServer(srv))
	go func() { _ = gs.Serve(lis) }()
	return gs, lis, nil
}

// recoverUnary and recoverStream are the last resort: a panic anywhere in
// a call (the flightsql layer included) becomes an Internal error.
func recoverUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
	defer recoverTo(&err)
	return h(ctx, req)
}

func recoverStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) (err error) {
	defer recoverTo(&err)
	return h(srv, ss)
}
