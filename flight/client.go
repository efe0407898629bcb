package flight

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	pb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/aloftdb/aloft/cli"
)

// Client runs statements on an Aloft Flight SQL server for the shell: its
// Execute is a cli.ExecFunc.
type Client struct {
	sql *flightsql.Client
}

// Dial connects to a server at "grpc://HOST:PORT" (or plain "HOST:PORT").
// TLS (grpc+tls://) comes with #4.
func Dial(target string) (*Client, error) {
	addr := target
	if strings.Contains(target, "://") {
		u, err := url.Parse(target)
		if err != nil {
			return nil, fmt.Errorf("--connect %s: %w", target, err)
		}
		if u.Scheme != "grpc" && u.Scheme != "grpc+tcp" {
			return nil, fmt.Errorf("--connect %s: unsupported scheme %q (want grpc://HOST:PORT)", target, u.Scheme)
		}
		addr = u.Host
	}
	if addr == "" {
		return nil, fmt.Errorf("--connect %s: no host:port", target)
	}
	c, err := flightsql.NewClient(addr, nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("--connect %s: %w", target, err)
	}
	return &Client{sql: c}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.sql.Close() }

// IsQuery tells whether a statement goes through the query path
// (GetFlightInfo + DoGet): it starts with SELECT, WITH, SHOW, DESCRIBE,
// DESC, EXPLAIN, VALUES, TABLE or "(" (after comments). Everything else
// goes through DoPut CommandStatementUpdate.
func IsQuery(stmt string) bool {
	switch strings.ToUpper(firstKeyword(stmt)) {
	case "SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "VALUES", "TABLE", "(":
		return true
	}
	return false
}

// firstKeyword is the first word of stmt, skipping whitespace and -- and
// /* */ comments; "(" counts as a word.
func firstKeyword(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		switch {
		case strings.HasPrefix(s, "--"):
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return ""
			}
			s = s[i+1:]
		case strings.HasPrefix(s, "/*"):
			i := strings.Index(s, "*/")
			if i < 0 {
				return ""
			}
			s = s[i+2:]
		case strings.HasPrefix(s, "("):
			return "("
		default:
			end := strings.IndexFunc(s, func(r rune) bool {
				return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
			})
			if end < 0 {
				return s
			}
			return s[:end]
		}
	}
}

// Execute runs one statement: queries through client.Execute and a DoGet
// of every endpoint, other statements through client.ExecuteUpdate.
func (c *Client) Execute(ctx context.Context, stmt string) (*cli.Result, error) {
	start := time.Now()
	if !IsQuery(stmt) {
		n, msg, err := c.executeUpdate(ctx, stmt)
		if err != nil {
			return nil, clientError(err)
		}
		if msg == "" {
			msg = fmt.Sprintf("%d rows affected", n)
		}
		return &cli.Result{Message: msg, Elapsed: time.Since(start)}, nil
	}
	info, err := c.sql.Execute(ctx, stmt)
	if err != nil {
		return nil, clientError(err)
	}
	res := &cli.Result{}
	for _, ep := range info.Endpoint {
		rdr, err := c.sql.DoGet(ctx, ep.Ticket)
		if err != nil {
			return nil, clientError(err)
		}
		res.Schema = rdr.Schema()
		for rdr.Next() {
			b := rdr.RecordBatch()
			b.Retain()
			res.Batches = append(res.Batches, b)
		}
		err = rdr.Err()
		rdr.Release()
		if err != nil {
			return nil, clientError(err)
		}
	}
	if res.Schema == nil || len(res.Schema.Fields()) == 0 && len(res.Batches) == 0 {
		// No endpoint, or a statement without rows sent as a query.
		if res.Schema == nil {
			res.Schema = arrow.NewSchema(nil, nil)
		}
		if len(res.Schema.Fields()) == 0 {
			res.Schema, res.Message = nil, "OK"
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// clientError strips the gRPC wrapping so the shell prints the server's
// message as local mode would: "Error: syntax error at line 1, ...".
func clientError(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	if st, ok := status.FromError(err); ok {
		return errors.New(st.Message())
	}
	return err
}

// executeUpdate is flightsql.Client.ExecuteUpdate (DoPut with a
// CommandStatementUpdate) that also reads the stream to its end, for the
// statement's message in the trailer (messageKey).
func (c *Client) executeUpdate(ctx context.Context, stmt string) (int64, string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var cmd anypb.Any
	if err := cmd.MarshalFrom(&pb.CommandStatementUpdate{Query: stmt}); err != nil {
		return 0, "", err
	}
	desc, err := proto.Marshal(&cmd)
	if err != nil {
		return 0, "", err
	}
	stream, err := c.sql.Client.DoPut(ctx)
	if err != nil {
		return 0, "", err
	}
	if err := stream.Send(&flight.FlightData{FlightDescriptor: &flight.FlightDescriptor{Type: flight.DescriptorCMD, Cmd: desc}}); err != nil {
		return 0, "", err
	}
	if err := stream.CloseSend(); err != nil {
		return 0, "", err
	}
	var n int64
	for {
		res, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, "", err
		}
		var upd pb.DoPutUpdateResult
		if err := proto.Unmarshal(res.GetAppMetadata(), &upd); err != nil {
			return 0, "", err
		}
		n = upd.GetRecordCount()
	}
	var msg string
	if v := stream.Trailer().Get(messageKey); len(v) > 0 {
		msg = v[0]
	}
	return n, msg, nil
}
