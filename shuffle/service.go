package shuffle

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

func insecureCreds() credentials.TransportCredentials { return insecure.NewCredentials() }

// maxMessageBytes bounds one Flight message (a compressed batch) on both
// sides; gRPC's 4 MiB default is too small for wide batches.
const maxMessageBytes = 1 << 30

// flightService serves a store's partitions with Flight DoGet.
type flightService struct {
	flight.BaseFlightServer
	store *Store
}

// NewFlightService returns the executor's Flight service: DoGet streams the
// partition its ticket names (EncodeTicket). Register it on a gRPC server
// built with ServerOptions(secret) so that calls without the cluster secret
// are refused; the secret is also checked here, so the service is safe on
// a server whose interceptors were forgotten.
func NewFlightService(store *Store, secret string) flight.FlightServer {
	return &secretCheckedService{flightService: &flightService{store: store}, check: StreamServerInterceptor(secret)}
}

// secretCheckedService runs the secret check in front of DoGet.
type secretCheckedService struct {
	*flightService
	check grpc.StreamServerInterceptor
}

func (s *secretCheckedService) DoGet(t *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	return s.check(nil, stream, nil, func(any, grpc.ServerStream) error {
		return s.flightService.DoGet(t, stream)
	})
}

// DoGet streams a partition: the schema message, then the stored frames as
// they are (compressed IPC bodies are sent without being decoded).
func (s *flightService) DoGet(t *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	id, _, err := DecodeTicket(t.GetTicket())
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	var served int64
	defer func() { s.store.bytesServed.Add(served) }()
	o, src, err := s.store.openFrames(id, func(n int64) { served += n })
	if err != nil {
		return toStatus(err)
	}
	defer src.close()
	ctx := stream.Context()
	if err := stream.Send(&flight.FlightData{DataHeader: o.schemaMsg}); err != nil {
		return toStatus(err)
	}
	for {
		if err := ctx.Err(); err != nil {
			return toStatus(err)
		}
		meta, body, err := src.next()
		if err != nil {
			if isEOF(err) {
				return nil
			}
			return toStatus(fmt.Errorf("serving %s: %w", id, err))
		}
		if err := stream.Send(&flight.FlightData{DataHeader: meta, DataBody: body}); err != nil {
			return toStatus(err)
		}
	}
}

// toStatus maps an error to a gRPC status; this is the only place the
// package does so.
func toStatus(err error) error {
	if _, ok := status.FromError(err); ok {
		return err
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return status.Error(codes.NotFound, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	}
	return status.Error(codes.Internal, err.Error())
}

// NewServer returns a gRPC server for executor services: it requires the
// cluster secret on every call and allows large Flight messages. The
// caller registers services and serves.
func NewServer(secret string, opts ...grpc.ServerOption) *grpc.Server {
	all := append(ServerOptions(secret),
		grpc.MaxRecvMsgSize(maxMessageBytes),
		grpc.MaxSendMsgSize(maxMessageBytes),
		grpc.WriteBufferSize(256<<10),
		grpc.ReadBufferSize(256<<10))
	return grpc.NewServer(append(all, opts...)...)
}

// Serve serves the store's Flight service on addr ("localhost:0" picks a
// port; the listener's Addr tells which) until the server is stopped.
func Serve(addr string, store *Store, secret string) (*grpc.Server, net.Listener, error) {
	if secret == "" {
		return nil, nil, fmt.Errorf("shuffle: empty cluster secret")
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("shuffle: listening on %s: %w", addr, err)
	}
	srv := NewServer(secret)
	flight.RegisterFlightServiceServer(srv, NewFlightService(store, secret))
	go srv.Serve(lis)
	return srv, lis, nil
}
