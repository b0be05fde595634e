package store

import (
	"context"
	"testing"
	"time"
)

// A nonce is new once, refused while it is kept, and forgotten (pruned) after its expiry.
func TestNonceIsUsedOnce(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	expires := now.Add(6 * time.Minute)
	use := func(nonce string, at time.Time) bool {
		t.Helper()
		ok, err := s.FirstUse(ctx, nonce, expires, at)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !use("1764331200:v0=ab", now) {
		t.Fatal("a new nonce was refused")
	}
	if use("1764331200:v0=ab", now.Add(time.Minute)) {
		t.Fatal("the same nonce was accepted twice inside its window")
	}
	if !use("1764331200:v0=cd", now) {
		t.Fatal("another signature was refused")
	}
	if !use("1764331200:v0=ab", expires.Add(time.Second)) {
		t.Fatal("an expired nonce was not pruned")
	}
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM slack_nonces`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after pruning %d rows, %v", n, err)
	}
}
