package faults

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// proxyEnv, set to "listen upstream control-file seed", makes the test
// binary a delaying TCP proxy instead of running tests (see TestMain).
const proxyEnv = "SIMPIPE_FAULTS_PROXY"

// delayProxy forwards every connection to upstream and holds each chunk of
// bytes, in each direction, for the delay its control file gives ("MS
// JITTER_MS"; read every 100 ms; missing means none), plus or minus a
// uniform jitter, keeping order. The kernel here has no netem, so delay is
// emulated on the TCP stream of each client's link to the server: every
// byte crosses the link that much later, which is what a client sees of a
// delayed link (loss and partitions are real packet drops: see host).
type delayProxy struct {
	upstream string
	control  string
	delay    atomic.Int64 // ns
	jitter   atomic.Int64 // ns
	seed     uint64
}

func runProxy(spec string) {
	f := strings.Fields(spec)
	if len(f) != 4 {
		fmt.Fprintln(os.Stderr, "proxy: want 'listen upstream control seed'")
		os.Exit(2)
	}
	seed, _ := strconv.ParseUint(f[3], 10, 64)
	p := &delayProxy{upstream: f[1], control: f[2], seed: seed}
	ln, err := net.Listen("tcp", f[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "proxy: listening on %s for %s\n", ln.Addr(), p.upstream)
	go p.watch()
	for n := uint64(0); ; n++ {
		c, err := ln.Accept()
		if err != nil {
			os.Exit(1)
		}
		go p.serve(c, n)
	}
}

// watch follows the control file.
func (p *delayProxy) watch() {
	for {
		var d, j int64
		if b, err := os.ReadFile(p.control); err == nil {
			fmt.Sscan(string(b), &d, &j)
		}
		p.delay.Store(d * int64(time.Millisecond))
		p.jitter.Store(j * int64(time.Millisecond))
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *delayProxy) serve(c net.Conn, n uint64) {
	up, err := net.DialTimeout("tcp", p.upstream, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	done := make(chan struct{}, 2)
	go p.pipe(up, c, rand.New(rand.NewPCG(p.seed, 2*n)), done)
	go p.pipe(c, up, rand.New(rand.NewPCG(p.seed, 2*n+1)), done)
	<-done
	c.Close()
	up.Close()
	<-done
}

type chunk struct {
	at   time.Time
	data []byte
}

// pipe copies src to dst, each chunk delivered at its time.
func (p *delayProxy) pipe(dst io.Writer, src io.Reader, rng *rand.Rand, done chan<- struct{}) {
	defer func() { done <- struct{}{} }()
	q := make(chan chunk, 4096)
	go func() {
		defer close(q)
		last := time.Time{}
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				d := time.Duration(p.delay.Load())
				if j := p.jitter.Load(); j > 0 {
					d += time.Duration(rng.Int64N(2*j+1) - j)
				}
				at := time.Now().Add(max(d, 0))
				if at.Before(last) {
					at = last // a stream keeps its order
				}
				last = at
				q <- chunk{at, buf[:n]}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.data); err != nil {
			for range q {
			}
			return
		}
	}
}
