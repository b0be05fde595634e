package faultproxy

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// server answers every read with "svar:" and what it read, and records what it got.
type server struct {
	l   net.Listener
	mu  sync.Mutex
	got []string
}

func newServer(t *testing.T) *server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{l: l}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 1024)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						s.mu.Lock()
						s.got = append(s.got, string(buf[:n]))
						s.mu.Unlock()
						_, _ = c.Write(append([]byte("svar:"), buf[:n]...))
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return s
}

func (s *server) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

// ask sends msg and reads the answer; generous deadlines only guard against a hang.
func ask(c net.Conn, msg string) (string, error) {
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte(msg)); err != nil {
		return "", err
	}
	buf := make([]byte, 1024)
	n, err := c.Read(buf)
	return string(buf[:n]), err
}

func TestDownAndUp(t *testing.T) {
	srv := newServer(t)
	p, err := Start(srv.l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, err := ask(c, "hei"); err != nil || got != "svar:hei" {
		t.Fatalf("through the proxy: %q %v", got, err)
	}

	p.Down()
	if !p.IsDown() {
		t.Fatal("not down")
	}
	if got, err := ask(c, "er du der?"); err == nil {
		t.Fatalf("a cut connection still answered %q", got)
	}
	if c2, err := net.Dial("tcp", p.Addr()); err == nil {
		c2.Close()
		t.Fatal("a new connection was accepted while down")
	}

	if err := p.Up(); err != nil {
		t.Fatal(err)
	}
	c3, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatalf("after Up: %v", err)
	}
	defer c3.Close()
	if got, err := ask(c3, "igjen"); err != nil || got != "svar:igjen" {
		t.Fatalf("after Up: %q %v", got, err)
	}
	if st := p.Stats(); st.Accepted != 2 || st.Cut != 1 || st.Downs != 1 || st.Tripped != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestDownAfterPattern(t *testing.T) {
	srv := newServer(t)
	p, err := Start(srv.l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tripped := p.DownAfter([]byte("COMMIT"))
	if got, err := ask(c, "insert"); err != nil || got != "svar:insert" {
		t.Fatalf("before the pattern: %q %v", got, err)
	}
	// The server gets the commit; its answer never reaches the client.
	if got, err := ask(c, "commit"); err == nil || strings.Contains(got, "svar") {
		t.Fatalf("the answer to the pattern reached the client: %q %v", got, err)
	}
	select {
	case <-tripped:
	case <-time.After(10 * time.Second):
		t.Fatal("DownAfter did not report")
	}
	if got := srv.received(); len(got) != 2 || got[1] != "commit" {
		t.Fatalf("server received %q", got)
	}
	if !p.IsDown() {
		t.Fatal("not down after the pattern")
	}
	if st := p.Stats(); st.Tripped != 1 || st.Downs != 1 || st.Cut != 1 {
		t.Fatalf("stats %+v", st)
	}
	if err := p.Up(); err != nil {
		t.Fatal(err)
	}
	c2, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if got, err := ask(c2, "commit"); err != nil || got != "svar:commit" {
		t.Fatalf("the pattern trips once: %q %v", got, err)
	}
}
