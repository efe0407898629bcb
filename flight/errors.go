package flight

import (
	"context"
	"errors"
	"fmt"
	"log"
	"runtime/debug"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/aloftdb/aloft/catalog"
	"github.com/aloftdb/aloft/engine"
	"github.com/aloftdb/aloft/exec"
	"github.com/aloftdb/aloft/sql"
)

// This file is the only place where engine errors become gRPC status codes.

// invalidArgument marks an error the client caused (syntax, binding).
type invalidArgument struct{ err error }

func (e *invalidArgument) Error() string { return e.err.Error() }
func (e *invalidArgument) Unwrap() error { return e.err }

// toStatus maps an error to a gRPC status error:
//
//	syntax and binding errors    InvalidArgument
//	unknown table or view        NotFound
//	name already taken           AlreadyExists
//	context cancelled / deadline Canceled / DeadlineExceeded
//	memory limit (executor.memory) ResourceExhausted
//	anything else (panics too)   Internal
//
// The engine has typed errors only for missing tables and the memory limit;
// "already exists" and view "does not exist" are recognised by their text
// until it has more.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	msg := err.Error()
	var notFound *catalog.ErrTableNotFound
	var memLimit *exec.MemoryLimitError
	var invalid *invalidArgument
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, msg)
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, msg)
	case errors.As(err, &memLimit):
		return status.Error(codes.ResourceExhausted, msg)
	case errors.As(err, &notFound):
		return status.Error(codes.NotFound, msg)
	case errors.As(err, &invalid):
		return status.Error(codes.InvalidArgument, msg)
	case strings.Contains(msg, "does not exist"):
		return status.Error(codes.NotFound, msg)
	case strings.Contains(msg, "already exists"):
		return status.Error(codes.AlreadyExists, msg)
	}
	return status.Error(codes.Internal, msg)
}

// execute runs sqlText on run; eng's catalog classifies its errors. It
// never panics, and its error is a gRPC status error (toStatus).
func execute(ctx context.Context, run Runner, eng *engine.Engine, sqlText string) (res *engine.Result, err error) {
	defer recoverTo(&err)
	stmts, err := sql.Parse(sqlText)
	if err != nil {
		return nil, toStatus(&invalidArgument{err})
	}
	if len(stmts) == 0 {
		return nil, status.Error(codes.InvalidArgument, "no SQL statement given")
	}
	res, err = run.Execute(ctx, sqlText)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = fmt.Errorf("%w: %v", ctx.Err(), err)
		}
		return nil, toStatus(classify(stmts, eng, err))
	}
	return res, nil
}

// classify marks a failed single query whose binding fails as the client's
// error: binding again is cheap and only happens on the error path.
func classify(stmts []sql.Statement, eng *engine.Engine, err error) error {
	if len(stmts) != 1 {
		return err
	}
	q, ok := stmts[0].(*sql.Query)
	if !ok {
		return err
	}
	if _, berr := sql.Bind(q, eng.Catalog()); berr != nil {
		return &invalidArgument{err}
	}
	return err
}

// recoverTo turns a panic into an Internal status in *err: nothing a client
// sends may bring the server down.
func recoverTo(err *error) {
	if r := recover(); r != nil {
		log.Printf("flight: panic: %v\n%s", r, debug.Stack())
		*err = status.Errorf(codes.Internal, "internal error: %v", r)
	}
}
