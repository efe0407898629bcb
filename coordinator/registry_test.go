package coordinator

import (
	"testing"
	"time"
)

// TestRegistry: slots and health with a fake clock.
func TestRegistry(t *testing.T) {
	now := time.Unix(1000, 0)
	var lost []string
	r := newRegistry(10*time.Second, func(m ExecutorInfo) { lost = append(lost, m.Addr) })
	r.now = func() time.Time { return now }
	r.register("b:1", 4)
	r.register("a:1", 2)
	if got := r.live(); len(got) != 2 || got[0].Addr != "a:1" || got[0].Cores != 2 || got[1].Cores != 4 {
		t.Fatalf("live = %+v", got)
	}
	now = now.Add(6 * time.Second)
	if !r.heartbeat("a:1") {
		t.Fatal("heartbeat of a:1 refused")
	}
	if r.heartbeat("c:1") {
		t.Fatal("heartbeat of an unknown executor accepted")
	}
	now = now.Add(6 * time.Second) // b:1 silent for 12s: lost even before reap
	if got := r.live(); len(got) != 1 || got[0].Addr != "a:1" {
		t.Fatalf("live = %+v", got)
	}
	r.reap()
	if len(lost) != 1 || lost[0] != "b:1" {
		t.Fatalf("lost = %v", lost)
	}
	if r.heartbeat("b:1") {
		t.Fatal("heartbeat of a lost executor accepted")
	}
	now = now.Add(11 * time.Second)
	if r.heartbeat("a:1") { // too late: lost
		t.Fatal("late heartbeat accepted")
	}
	if len(lost) != 2 || len(r.live()) != 0 {
		t.Fatalf("lost = %v, live = %v", lost, r.live())
	}
	r.register("b:1", 1) // back
	if got := r.live(); len(got) != 1 || got[0].Cores != 1 {
		t.Fatalf("live = %+v", got)
	}
}
