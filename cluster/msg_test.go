package cluster

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/store"
)

func sampleJob() *JobMsg {
	return &JobMsg{
		Protocol: ProtocolVersion,
		Run: RunSpec{
			SimpipeVersion: "v1.2.3", RunID: "0123456789abcdef0123456789abcdef",
			Game: "hex:size=7", Lineup: "logistic:file=m.json,random",
			Models: map[string]string{"m.json": `{"w":[1,2]}`, "b.json": `{}`},
			Seed:   42, MaxActions: 10000, MoveBits: 6, RotateSeats: true,
			Retries: 2, GameTimeout: 30 * time.Minute,
		},
		Job: store.Job{ID: 7, First: 700, Count: 100, Only: []uint64{703, 799}},
	}
}

func sampleResult() *ResultMsg {
	var e store.ChunkEncoder
	e.Reset(700, 6)
	var agg store.Aggregate
	for _, g := range []store.GameEntry{
		{Status: store.Completed, Winners: 1, Moves: []game.Move{1, 2, 3}},
		{Status: store.Failed},
	} {
		e.Add(g)
		agg.AddGame(g)
	}
	return &ResultMsg{
		Protocol: ProtocolVersion, RunID: "0123456789abcdef0123456789abcdef", JobID: 7,
		Settings: sampleJob().Run.SettingsHash(), Record: e.Bytes(), Delta: agg, Attempts: 3,
		Failures: []store.GameFailure{{Index: 701, Attempts: 3, Error: "panic: boom", Stack: "main.go:1"}},
	}
}

func TestJobMsgRoundTrip(t *testing.T) {
	for _, m := range []*JobMsg{sampleJob(), {Protocol: ProtocolVersion, Run: RunSpec{MoveBits: 1}}} {
		got, err := DecodeJobMsg(EncodeJobMsg(m))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, m)
		}
	}
}

func TestResultMsgRoundTrip(t *testing.T) {
	m := sampleResult()
	got, err := DecodeResultMsg(EncodeResultMsg(m))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, m)
	}
}

func TestDecodeRefusals(t *testing.T) {
	job := EncodeJobMsg(sampleJob())
	res := EncodeResultMsg(sampleResult())
	flip := func(b []byte, i int) []byte {
		c := append([]byte(nil), b...)
		c[i] ^= 0x40
		return c
	}
	cases := []struct {
		name string
		err  error
		dec  func() error
	}{
		{"job as result", ErrBadMessage, func() error { _, err := DecodeResultMsg(job); return err }},
		{"result as job", ErrBadMessage, func() error { _, err := DecodeJobMsg(res); return err }},
		{"job bit flip", ErrBadMessage, func() error { _, err := DecodeJobMsg(flip(job, len(job)/2)); return err }},
		{"result bit flip", ErrBadMessage, func() error { _, err := DecodeResultMsg(flip(res, len(res)/2)); return err }},
		{"truncated job", ErrBadMessage, func() error { _, err := DecodeJobMsg(job[:len(job)-1]); return err }},
		{"empty", ErrBadMessage, func() error { _, err := DecodeJobMsg(nil); return err }},
	}
	for _, c := range cases {
		if err := c.dec(); !errors.Is(err, c.err) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.err)
		}
	}
	t.Setenv(protocolEnv, strconv.Itoa(ProtocolVersion+1))
	if _, err := DecodeJobMsg(job); !errors.Is(err, ErrProtocol) {
		t.Errorf("other protocol job: %v", err)
	}
	if _, err := DecodeResultMsg(res); !errors.Is(err, ErrProtocol) {
		t.Errorf("other protocol result: %v", err)
	}
}

func FuzzDecodeJobMsg(f *testing.F) {
	f.Add(EncodeJobMsg(sampleJob()))
	f.Add(EncodeJobMsg(&JobMsg{Run: RunSpec{MoveBits: 1}}))
	f.Add([]byte("SJ"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeJobMsg(b)
		if err != nil {
			return
		}
		// Whatever decodes encodes back to a message that decodes the same.
		again, err := DecodeJobMsg(EncodeJobMsg(m))
		if err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("re-encoding changed the message: %v\n%+v\n%+v", err, m, again)
		}
	})
}

func FuzzDecodeResultMsg(f *testing.F) {
	f.Add(EncodeResultMsg(sampleResult()))
	f.Add(EncodeResultMsg(&ResultMsg{}))
	f.Add([]byte("SR"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeResultMsg(b)
		if err != nil {
			return
		}
		again, err := DecodeResultMsg(EncodeResultMsg(m))
		if err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("re-encoding changed the message: %v\n%+v\n%+v", err, m, again)
		}
	})
}
