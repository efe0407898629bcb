package flight

import (
	"crypto/rand"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// resultStore keeps query results between GetFlightInfo and DoGet, under
// random handles. A result is fetched once; unfetched results expire after
// ttl, and at most max wait (the oldest is dropped to make room).
type resultStore struct {
	ttl time.Duration
	max int

	mu      sync.Mutex
	results map[string]*pending
}

type pending struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
	expires time.Time
}

func newResultStore(ttl time.Duration, max int) *resultStore {
	return &resultStore{ttl: ttl, max: max, results: map[string]*pending{}}
}

// put stores a result and returns its handle.
func (s *resultStore) put(schema *arrow.Schema, batches []arrow.RecordBatch) []byte {
	handle := make([]byte, 16)
	_, _ = rand.Read(handle)
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var oldest string
	for h, p := range s.results {
		if now.After(p.expires) {
			delete(s.results, h)
		} else if oldest == "" || p.expires.Before(s.results[oldest].expires) {
			oldest = h
		}
	}
	if len(s.results) >= s.max && oldest != "" {
		delete(s.results, oldest)
	}
	s.results[string(handle)] = &pending{schema: schema, batches: batches, expires: now.Add(s.ttl)}
	return handle
}

// take removes and returns the result of handle, if it is there and fresh.
func (s *resultStore) take(handle []byte) (*pending, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.results[string(handle)]
	if !ok {
		return nil, false
	}
	delete(s.results, string(handle))
	if time.Now().After(p.expires) {
		return nil, false
	}
	return p, true
}

// len is the number of results waiting.
func (s *resultStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.results)
}
