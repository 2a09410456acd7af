package cluster

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/reugn/go-streams"
)

// JetStreamSourceOptions configures a JetStreamSource.
type JetStreamSourceOptions struct {
	// MaxInFlight bounds the messages emitted and not yet released: the
	// source fetches no more until some are. At least 1.
	MaxInFlight int
	// Heartbeat, when positive, sends an in-progress acknowledgement for
	// every message in flight at this interval, so that a long job is not
	// redelivered while it is being played. Use a third of the consumer's
	// AckWait.
	Heartbeat time.Duration
	// MaxWait bounds one fetch request; one second if zero.
	MaxWait time.Duration
	// OnError, if not nil, is told about fetch errors; the source retries.
	OnError func(error)
}

// JetStreamSource emits the messages of a JetStream pull consumer as
// jetstream.Msg values. Unlike a connector that acknowledges on receipt, it
// leaves every message unacknowledged: the pipeline acknowledges it once
// its work is safe (see JetStreamSink) and then calls Release. When its
// context is cancelled it stops fetching and closes its output; messages
// already fetched but not emitted are negatively acknowledged, so the
// server redelivers them at once.
type JetStreamSource struct {
	cons  jetstream.Consumer
	opts  JetStreamSourceOptions
	out   chan any
	slots chan struct{}

	mu       sync.Mutex
	inFlight map[jetstream.Msg]struct{} // guarded by mu
}

var _ streams.Source = (*JetStreamSource)(nil)

// NewJetStreamSource starts fetching from cons.
func NewJetStreamSource(ctx context.Context, cons jetstream.Consumer, opts JetStreamSourceOptions) *JetStreamSource {
	opts.MaxInFlight = max(opts.MaxInFlight, 1)
	if opts.MaxWait <= 0 {
		opts.MaxWait = time.Second
	}
	s := &JetStreamSource{cons: cons, opts: opts, out: make(chan any),
		slots: make(chan struct{}, opts.MaxInFlight), inFlight: map[jetstream.Msg]struct{}{}}
	go s.run(ctx)
	if opts.Heartbeat > 0 {
		go s.heartbeat(ctx)
	}
	return s
}

func (s *JetStreamSource) run(ctx context.Context) {
	defer close(s.out)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		// Wait for at least one free slot, then ask for as many as are free.
		select {
		case s.slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		free := 1
	take:
		for free < s.opts.MaxInFlight {
			select {
			case s.slots <- struct{}{}:
				free++
			default:
				break take
			}
		}
		batch, err := s.cons.Fetch(free, jetstream.FetchMaxWait(s.opts.MaxWait))
		kept := 0 // messages emitted, each holding its slot until Release
		if err == nil {
			for m := range batch.Messages() {
				if ctx.Err() != nil {
					_ = m.Nak()
					continue
				}
				s.mu.Lock()
				s.inFlight[m] = struct{}{}
				s.mu.Unlock()
				select {
				case s.out <- m:
					kept++
				case <-ctx.Done():
					s.mu.Lock()
					delete(s.inFlight, m)
					s.mu.Unlock()
					_ = m.Nak()
				}
			}
			err = batch.Error()
		}
		for range free - kept {
			<-s.slots
		}
		if err != nil && !errors.Is(err, jetstream.ErrNoMessages) && ctx.Err() == nil {
			if s.opts.OnError != nil {
				s.opts.OnError(err)
			}
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
	}
}

func (s *JetStreamSource) forget(m jetstream.Msg) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.inFlight[m]; !ok {
		return false
	}
	delete(s.inFlight, m)
	<-s.slots
	return true
}

// Release frees m's slot and stops its in-progress acknowledgements. Call
// it once m has been acknowledged, negatively acknowledged or terminated.
// Releasing a message twice is harmless.
func (s *JetStreamSource) Release(m jetstream.Msg) { s.forget(m) }

// InFlight returns the number of messages emitted and not yet released.
func (s *JetStreamSource) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.inFlight)
}

func (s *JetStreamSource) heartbeat(ctx context.Context) {
	t := time.NewTicker(s.opts.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-ctx.Done():
			// Draining: keep the messages still in flight alive until the
			// pipeline has released them all.
			if s.InFlight() == 0 {
				return
			}
			select {
			case <-t.C:
			case <-time.After(s.opts.Heartbeat):
			}
		}
		s.mu.Lock()
		msgs := make([]jetstream.Msg, 0, len(s.inFlight))
		for m := range s.inFlight {
			msgs = append(msgs, m)
		}
		s.mu.Unlock()
		for _, m := range msgs {
			_ = m.InProgress()
		}
	}
}

// Out returns the output channel; the source closes it when done.
func (s *JetStreamSource) Out() <-chan any { return s.out }

// Via streams the messages into f and returns f.
func (s *JetStreamSource) Via(f streams.Flow) streams.Flow {
	go func() {
		for m := range s.out {
			f.In() <- m
		}
		close(f.In())
	}()
	return f
}

// JetStreamPublish is what a JetStreamSink receives: a message to publish
// and the message whose work it completes.
type JetStreamPublish struct {
	Subject string
	// MsgID is the message ID that the server de-duplicates on.
	MsgID string
	Data  []byte
	// Ack, if not nil, is acknowledged (double ack: the sink waits for the
	// server's confirmation) once the server has accepted the publication.
	Ack jetstream.Msg
	// Term, if not empty, publishes nothing and terminates Ack with this
	// reason: the message is refused and must not be redelivered.
	Term string
}

// JetStreamSinkOptions configures a JetStreamSink.
type JetStreamSinkOptions struct {
	// Timeout bounds one publish or acknowledgement attempt; five seconds
	// if zero.
	Timeout time.Duration
	// OnDone, if not nil, is called with each received item once the sink
	// is done with it (from several goroutines at once), with the error of its acknowledgement or termination
	// if that failed (the server will redeliver the message).
	OnDone func(JetStreamPublish, error)
	// OnPublished, if not nil, is called with each item as soon as the
	// server has accepted its publication, before Ack is acknowledged: a
	// source can release Ack's slot then, since a lost acknowledgement only
	// means a redelivery whose result the server de-duplicates.
	OnPublished func(JetStreamPublish)
	// OnError, if not nil, is told about failed publish attempts; the sink
	// retries until the server accepts.
	OnError func(error)
	// OnDuplicate, if not nil, is called with each item whose publication
	// the server dropped as a duplicate of a message it already holds (or
	// held, within its duplicate window) under the same MsgID.
	OnDuplicate func(JetStreamPublish)
}

// JetStreamSink publishes JetStreamPublish items and waits for the server's
// PubAck before it acknowledges the message each completes, so that a
// message is only ever removed from a work queue after its result is stored
// in the stream. Items are published concurrently (up to maxAcking at
// once), in no particular order. A publish that fails is retried (with backoff) until it is
// accepted: a duplicate is dropped by the server's de-duplication on MsgID.
type JetStreamSink struct {
	js   jetstream.JetStream
	opts JetStreamSinkOptions
	in   chan any
	done chan struct{}
}

var _ streams.Sink = (*JetStreamSink)(nil)

// NewJetStreamSink starts a sink publishing with js.
func NewJetStreamSink(js jetstream.JetStream, opts JetStreamSinkOptions) *JetStreamSink {
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	s := &JetStreamSink{js: js, opts: opts, in: make(chan any), done: make(chan struct{})}
	go s.run()
	return s
}

// In returns the input channel; upstream closes it.
func (s *JetStreamSink) In() chan<- any { return s.in }

// AwaitCompletion blocks until every received item is published and
// acknowledged.
func (s *JetStreamSink) AwaitCompletion() { <-s.done }

// maxAcking bounds the publications and acknowledgements a JetStreamSink
// waits on at once.
const maxAcking = 256

func (s *JetStreamSink) run() {
	var acking sync.WaitGroup
	defer func() {
		acking.Wait()
		close(s.done)
	}()
	sem := make(chan struct{}, maxAcking)
	for v := range s.in {
		p := v.(JetStreamPublish)
		if p.Term != "" {
			var err error
			if p.Ack != nil {
				err = p.Ack.TermWithReason(p.Term)
			}
			if s.opts.OnDone != nil {
				s.opts.OnDone(p, err)
			}
			continue
		}
		// Publish and acknowledge without holding up the next item: each
		// takes a round trip to the server (two, with the confirmation of
		// the acknowledgement), which across a slow network is far longer
		// than a job, and a confirmation can be lost (the server restarted
		// and forgot the delivery): neither may stall the results behind.
		sem <- struct{}{}
		acking.Add(1)
		go func() {
			defer func() { <-sem; acking.Done() }()
			if dup := s.publish(p); dup && s.opts.OnDuplicate != nil {
				s.opts.OnDuplicate(p)
			}
			if s.opts.OnPublished != nil {
				s.opts.OnPublished(p)
			}
			var err error
			if p.Ack != nil {
				ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
				err = p.Ack.DoubleAck(ctx)
				cancel()
			}
			if s.opts.OnDone != nil {
				s.opts.OnDone(p, err)
			}
		}()
	}
}

func (s *JetStreamSink) publish(p JetStreamPublish) (duplicate bool) {
	backoff := 100 * time.Millisecond
	for {
		ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
		ack, err := s.js.Publish(ctx, p.Subject, p.Data, jetstream.WithMsgID(p.MsgID))
		cancel()
		if err == nil {
			return ack.Duplicate
		}
		if s.opts.OnError != nil {
			s.opts.OnError(err)
		}
		time.Sleep(backoff)
		backoff = min(2*backoff, 5*time.Second)
	}
}
