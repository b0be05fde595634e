// Package faultproxy is a TCP proxy for fault tests: it stands between a client and a
// server (PostgreSQL, say) and can take the server "down" the way a restart looks to the
// client: every open connection is cut and new ones are refused, until it is brought up
// again on the same address.
//
// It can also go down at the worst moment: right after a client has sent bytes matching a
// pattern (for PostgreSQL, a COMMIT), which the server gets while its answer never reaches
// the client. The client then cannot know whether its transaction was committed.
package faultproxy

import (
	"bytes"
	"errors"
	"net"
	"sync"
	"time"
)

// Stats counts what the proxy did.
type Stats struct {
	Accepted int // connections forwarded
	Cut      int // connections cut by Down (or by a DownAfter trip)
	Downs    int // times the proxy went down
	Tripped  int // times a DownAfter pattern took it down
}

// Proxy forwards connections on Addr to a target address.
type Proxy struct {
	target string
	addr   string

	mu       sync.Mutex
	listener net.Listener
	conns    map[*link]bool
	trigger  []byte // DownAfter's pattern, lower case; nil when not armed
	tripping *link  // the link that sent the pattern, until the proxy is down
	tripped  chan struct{}
	stats    Stats
	closed   bool
	wg       sync.WaitGroup
}

type link struct {
	client, server net.Conn
	mu             sync.Mutex
	deaf           bool          // the server's answers are no longer passed on
	answered       chan struct{} // closed when the server answered after the link went deaf
}

// Start listens on a free port of 127.0.0.1 and forwards every connection to target.
func Start(target string) (*Proxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{target: target, addr: l.Addr().String(), listener: l, conns: map[*link]bool{}}
	p.serve(l)
	return p, nil
}

// Addr is where clients connect (host:port).
func (p *Proxy) Addr() string { return p.addr }

// Stats returns the counts so far.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// IsDown reports whether the proxy refuses connections now.
func (p *Proxy) IsDown() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.listener == nil
}

// Down cuts every open connection and refuses new ones (nothing listens on Addr).
func (p *Proxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.downLocked()
}

func (p *Proxy) downLocked() {
	if p.listener != nil {
		_ = p.listener.Close()
		p.listener = nil
		p.stats.Downs++
	}
	for c := range p.conns {
		c.close()
		p.stats.Cut++
	}
	p.conns = map[*link]bool{}
}

// Up listens on Addr again.
func (p *Proxy) Up() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("faultproxy: closed")
	}
	if p.listener != nil {
		return nil
	}
	l, err := net.Listen("tcp", p.addr)
	if err != nil {
		return err
	}
	p.listener = l
	p.serve(l)
	return nil
}

// DownAfter arms the proxy: the next time a client sends bytes containing pattern (ASCII,
// case-insensitive, within one read), they are passed on to the server, the server's answer
// is held back, and once the server has answered the proxy goes down as Down does; from
// the pattern on, no other client's bytes reach the server. The channel closes when that happened.
func (p *Proxy) DownAfter(pattern []byte) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.trigger = bytes.ToLower(pattern)
	p.tripped = make(chan struct{})
	return p.tripped
}

// Close stops the proxy for good and cuts every connection.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.downLocked()
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) serve(l net.Listener) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			client, err := l.Accept()
			if err != nil {
				return // closed by Down or Close
			}
			server, err := net.Dial("tcp", p.target)
			if err != nil {
				_ = client.Close()
				continue
			}
			c := &link{client: client, server: server, answered: make(chan struct{})}
			p.mu.Lock()
			if p.listener != l { // went down meanwhile
				p.mu.Unlock()
				c.close()
				continue
			}
			p.conns[c] = true
			p.stats.Accepted++
			p.mu.Unlock()
			p.wg.Add(2)
			go p.pipeUp(c)
			go p.pipeDown(c)
		}
	}()
}

// pipeUp copies the client's bytes to the server, watching for DownAfter's pattern.
func (p *Proxy) pipeUp(c *link) {
	defer p.wg.Done()
	defer p.forget(c)
	buf := make([]byte, 32<<10)
	for {
		n, err := c.client.Read(buf)
		if n > 0 {
			p.mu.Lock()
			if p.tripping != nil && p.tripping != c {
				// Going down: nothing more reaches the server.
				p.mu.Unlock()
				return
			}
			trip := p.trigger != nil && bytes.Contains(bytes.ToLower(buf[:n]), p.trigger)
			if trip {
				p.trigger, p.tripping = nil, c
			}
			p.mu.Unlock()
			if trip {
				c.mu.Lock()
				c.deaf = true // whatever the server answers from now on is lost
				c.mu.Unlock()
				if _, werr := c.server.Write(buf[:n]); werr == nil {
					// Go down once the server has answered, so it surely carried it out.
					select {
					case <-c.answered:
					case <-time.After(10 * time.Second):
					}
				}
				p.mu.Lock()
				p.stats.Tripped++
				if !p.conns[c] { // its answer ended pipeDown, which forgot it
					c.close()
					p.stats.Cut++
				}
				p.downLocked()
				p.tripping = nil
				close(p.tripped)
				p.mu.Unlock()
				return
			}
			if _, werr := c.server.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// pipeDown copies the server's bytes to the client unless the link has gone deaf.
func (p *Proxy) pipeDown(c *link) {
	defer p.wg.Done()
	defer p.forget(c)
	buf := make([]byte, 32<<10)
	for {
		n, err := c.server.Read(buf)
		if n > 0 {
			c.mu.Lock()
			deaf := c.deaf
			c.mu.Unlock()
			if deaf {
				close(c.answered)
				return
			}
			if _, werr := c.client.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// forget closes a link that ended on its own (either side closed).
func (p *Proxy) forget(c *link) {
	c.close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

func (c *link) close() {
	_ = c.client.Close()
	_ = c.server.Close()
}
