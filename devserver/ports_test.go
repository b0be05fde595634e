package devserver

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// A picked port is never handed out twice, and is locked against other processes (another
// open file description stands in for one here) until it is released.
func TestFreePortReservesAcrossProcesses(t *testing.T) {
	seen := map[int]bool{}
	var picked []int
	for range 50 {
		p, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if seen[p] || p < lowPort || p >= highPort {
			t.Fatalf("port %d handed out twice or out of range", p)
		}
		seen[p] = true
		picked = append(picked, p)
	}
	t.Cleanup(func() { release(picked) })

	other, err := os.OpenFile(filepath.Join(os.TempDir(), "samarbeid-port-"+strconv.Itoa(picked[0])+".lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := syscall.Flock(int(other.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
		t.Fatal("another process could take a reserved port")
	}
	release(picked[:1])
	if err := syscall.Flock(int(other.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatalf("a released port stayed locked: %v", err)
	}
}
