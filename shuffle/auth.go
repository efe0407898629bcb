package shuffle

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// SecretMetadataKey is the gRPC metadata key carrying the cluster secret on
// every internal RPC (shuffle fetches, and the coordinator's control plane).
const SecretMetadataKey = "x-aloft-cluster-secret"

// secretOK compares the secret of an incoming call with the cluster's in
// constant time (hashing first, so not even the length leaks). An empty
// cluster secret refuses every call: the check fails closed.
func secretOK(ctx context.Context, want [sha256.Size]byte, configured bool) bool {
	if !configured {
		return false
	}
	md, ok := metadata.FromIncomingContext(ctx)
	if !ok {
		return false
	}
	vals := md.Get(SecretMetadataKey)
	if len(vals) != 1 {
		return false
	}
	got := sha256.Sum256([]byte(vals[0]))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

func errUnauthenticated() error {
	return status.Error(codes.Unauthenticated, "missing or wrong cluster secret ("+SecretMetadataKey+")")
}

// UnaryServerInterceptor refuses unary calls that do not carry the cluster
// secret with codes.Unauthenticated.
func UnaryServerInterceptor(secret string) grpc.UnaryServerInterceptor {
	want, configured := sha256.Sum256([]byte(secret)), secret != ""
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if !secretOK(ctx, want, configured) {
			return nil, errUnauthenticated()
		}
		return handler(ctx, req)
	}
}

// StreamServerInterceptor refuses streaming calls that do not carry the
// cluster secret with codes.Unauthenticated.
func StreamServerInterceptor(secret string) grpc.StreamServerInterceptor {
	want, configured := sha256.Sum256([]byte(secret)), secret != ""
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if !secretOK(ss.Context(), want, configured) {
			return errUnauthenticated()
		}
		return handler(srv, ss)
	}
}

// ServerOptions returns the interceptors that require the cluster secret,
// for grpc.NewServer.
func ServerOptions(secret string) []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(UnaryServerInterceptor(secret)),
		grpc.ChainStreamInterceptor(StreamServerInterceptor(secret)),
	}
}

// UnaryClientInterceptor attaches the cluster secret to unary calls.
func UnaryClientInterceptor(secret string) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		return invoker(metadata.AppendToOutgoingContext(ctx, SecretMetadataKey, secret), method, req, reply, cc, opts...)
	}
}

// StreamClientInterceptor attaches the cluster secret to streaming calls.
func StreamClientInterceptor(secret string) grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		return streamer(metadata.AppendToOutgoingContext(ctx, SecretMetadataKey, secret), desc, cc, method, opts...)
	}
}

// DialOptions returns the options an internal client needs: plaintext
// transport (the cluster network is trusted; TLS is a later step) and the
// cluster secret on every call.
func DialOptions(secret string) []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithTransportCredentials(insecureCreds()),
		grpc.WithChainUnaryInterceptor(UnaryClientInterceptor(secret)),
		grpc.WithChainStreamInterceptor(StreamClientInterceptor(secret)),
	}
}
