package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight"
	flightpb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/aloftdb/aloft/shuffle"
)

// Flight actions an executor sends to the coordinator. They live here, not
// in package coordinator, because the coordinator imports this package.
const (
	// ActionRegister announces an executor; the body is a Registration,
	// the single result a RegisterReply.
	ActionRegister = "aloft.register"
	// ActionHeartbeat says an executor is alive; the body is a Heartbeat.
	// A coordinator that does not know the executor (it was declared lost,
	// or the coordinator restarted) answers codes.NotFound, and the
	// executor registers again.
	ActionHeartbeat = "aloft.heartbeat"
)

// DefaultHeartbeatInterval is the heartbeat interval used when neither the
// executor nor the coordinator sets one.
const DefaultHeartbeatInterval = time.Second

// Registration is the body of ActionRegister.
type Registration struct {
	// Addr is where the executor's Flight server is reached.
	Addr string `json:"addr"`
	// Cores is how many tasks it runs at once.
	Cores int `json:"cores"`
}

// RegisterReply is the coordinator's answer to ActionRegister.
type RegisterReply struct {
	// HeartbeatIntervalMillis is the interval the coordinator expects
	// heartbeats at (0: no preference).
	HeartbeatIntervalMillis int64 `json:"heartbeat_interval_ms"`
}

// Heartbeat is the body of ActionHeartbeat.
type Heartbeat struct {
	Addr string `json:"addr"`
}

// RegisterWith registers the executor with the coordinator at
// coordinatorAddr and heartbeats every interval (<= 0: the interval the
// coordinator asks for) until ctx ends, when it returns nil. Transient
// failures (coordinator not up yet, gone for a while) are retried every
// interval; a refused secret is returned at once as an error.
func (e *Executor) RegisterWith(ctx context.Context, coordinatorAddr, secret string, interval time.Duration) error {
	return RegisterAs(ctx, coordinatorAddr, secret, Registration{Addr: e.Addr(), Cores: e.Cores()}, interval)
}

// RegisterAs is RegisterWith for an executor reached at reg.Addr (an
// advertised address, when the listening one is not reachable by peers).
func RegisterAs(ctx context.Context, coordinatorAddr, secret string, reg Registration, interval time.Duration) error {
	if secret == "" {
		return fmt.Errorf("executor: empty cluster secret")
	}
	if reg.Addr == "" {
		return fmt.Errorf("executor: registering without an address")
	}
	conn, err := grpc.NewClient(coordinatorAddr, shuffle.DialOptions(secret)...)
	if err != nil {
		return fmt.Errorf("executor: connecting to coordinator %s: %w", coordinatorAddr, err)
	}
	defer conn.Close()
	client := flightpb.NewFlightServiceClient(conn)
	registered := false
	every := interval
	if every <= 0 {
		every = DefaultHeartbeatInterval
	}
	for {
		var err error
		if !registered {
			var reply RegisterReply
			if reply, err = register(ctx, client, reg); err == nil {
				registered = true
				if interval <= 0 && reply.HeartbeatIntervalMillis > 0 {
					every = time.Duration(reply.HeartbeatIntervalMillis) * time.Millisecond
				}
			}
		} else {
			err = call(ctx, client, ActionHeartbeat, Heartbeat{Addr: reg.Addr}, nil)
			if status.Code(err) == codes.NotFound {
				// Declared lost (or a new coordinator): register again now.
				registered = false
				continue
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		if c := status.Code(err); c == codes.Unauthenticated || c == codes.InvalidArgument {
			return fmt.Errorf("executor: coordinator %s refused %s: %w", coordinatorAddr, reg.Addr, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(every):
		}
	}
}

func register(ctx context.Context, client flightpb.FlightServiceClient, reg Registration) (RegisterReply, error) {
	var reply RegisterReply
	err := call(ctx, client, ActionRegister, reg, &reply)
	return reply, err
}

// call runs one action with a JSON body and decodes its first result into
// out (when not nil). Each call is bounded so that a hung coordinator does
// not stall the heartbeats for long.
func call(ctx context.Context, client flightpb.FlightServiceClient, typ string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	stream, err := client.DoAction(ctx, &flight.Action{Type: typ, Body: b})
	if err != nil {
		return err
	}
	for {
		res, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if out != nil {
			if err := json.Unmarshal(res.GetBody(), out); err != nil {
				return status.Errorf(codes.Internal, "executor: bad %s reply: %v", typ, err)
			}
			out = nil
		}
	}
}
