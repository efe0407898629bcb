package executor

import (
	"strings"
	"testing"
)

func TestTaskSpecRoundTripAndRejects(t *testing.T) {
	spec := &TaskSpec{Query: "q1", Stage: 2, Task: 1, Output: 0, Plan: []byte{1, 2, 3},
		Splits: map[int][]byte{0: {4}}, Inputs: map[int][]MapLocation{1: {{MapTask: 0, Addr: "h:1"}}}}
	b, err := EncodeTaskSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeTaskSpec(b)
	if err != nil || got.Stage != 2 || got.Task != 1 || got.Inputs[1][0].Addr != "h:1" {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	for name, bad := range map[string]string{
		"garbage":   "{not json",
		"version":   strings.Replace(string(b), `"Version":1`, `"Version":9`, 1),
		"query":     strings.Replace(string(b), `"q1"`, `"../x"`, 1),
		"stage":     strings.Replace(string(b), `"Stage":2`, `"Stage":0`, 1),
		"output":    strings.Replace(string(b), `"Output":0`, `"Output":7`, 1),
		"duplicate": strings.Replace(string(b), `[{"MapTask":0,"Addr":"h:1"}]`, `[{"MapTask":0,"Addr":"h:1"},{"MapTask":0,"Addr":"h:2"}]`, 1),
	} {
		if bad == string(b) {
			t.Fatalf("%s: replacement did not apply", name)
		}
		if _, err := DecodeTaskSpec([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
