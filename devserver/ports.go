package devserver

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// Ports for embedded servers come from 20000–32000, below the kernel's ephemeral range
// (32768 and up on Linux), where every outgoing connection (pgx, gRPC) takes its local port.
const lowPort, highPort = 20000, 32000

// A port is free only for a moment after the check; Temporal binds it later. Several test
// processes start embedded servers at once, and if two pick the same port in that moment,
// Temporal's frontend serves on no listener and panics. So each picked port is also
// reserved across processes with an flock on a file in the temp directory: the lock lasts
// while the process holds the file, and the kernel drops it when the process ends, however
// it ends. There is no library for this narrow need; it is a dozen lines.
var reservations = struct {
	sync.Mutex
	held map[int]*os.File
}{held: map[int]*os.File{}}

// reserve takes port for this process, or reports that someone else (or this process) has it.
func reserve(port int) bool {
	reservations.Lock()
	defer reservations.Unlock()
	if reservations.held[port] != nil {
		return false
	}
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "samarbeid-port-"+strconv.Itoa(port)+".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return false
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return false
	}
	reservations.held[port] = f
	return true
}

// release gives ports back once the server that used them has stopped.
func release(ports []int) {
	reservations.Lock()
	defer reservations.Unlock()
	for _, p := range ports {
		if f := reservations.held[p]; f != nil {
			f.Close() // drops the lock
			delete(reservations.held, p)
		}
	}
}

// FreePort finds a port the embedded server can bind a moment later, reserved for this
// process so no other samarbeid process picks it in between.
func FreePort() (int, error) {
	for try := 0; try < 500; try++ {
		port := lowPort + rand.IntN(highPort-lowPort)
		if !reserve(port) {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			release([]int{port})
			continue
		}
		l.Close()
		return port, nil
	}
	return 0, errors.New(fmt.Sprintf("finner ingen ledig port mellom %d og %d", lowPort, highPort))
}
