package webconsole

import "testing"

// Walking forward three pages and back again lands on the same tokens.
func TestPageStackWalksBack(t *testing.T) {
	// Page 1 has no token; pages 2 and 3 have "QQ" and "Qg".
	p2 := parsePageStack("").push("")   // link to page 2 carries "0"
	p3 := parsePageStack(p2).push("QQ") // link to page 3 carries "0.QQ"
	if p2 != "0" || p3 != "0.QQ" {
		t.Fatalf("stacks %q %q", p2, p3)
	}
	on3 := parsePageStack(p3)
	if on3.Prev() != "QQ" || on3.Rest() != "0" {
		t.Fatalf("from page 3 back to page 2: %q %q", on3.Prev(), on3.Rest())
	}
	on2 := parsePageStack(on3.Rest())
	if on2.Prev() != "" || on2.Rest() != "" {
		t.Fatalf("from page 2 back to page 1: %q %q", on2.Prev(), on2.Rest())
	}
	for _, bad := range []string{"0..QQ", "0.a b", "0.#", "."} {
		if s := parsePageStack(bad); s != nil {
			t.Errorf("%q was trusted: %v", bad, s)
		}
	}
}
