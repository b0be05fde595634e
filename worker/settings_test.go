package worker

import (
	"testing"
	"time"
)

// A Slack trigger_id lives 3 s; after a worker dies, the bot's status query waits for the
// sticky timeout before another worker answers, so that wait must leave time to open a modal.
func TestStickyTimeoutFitsASlackTrigger(t *testing.T) {
	const triggerLife = 3 * time.Second
	got := DefaultSettings().apply().StickyScheduleToStartTimeout
	if got <= 0 || got > triggerLife-time.Second {
		t.Fatalf("sticky schedule-to-start timeout %v: want set, and at least 1 s under a trigger's %v", got, triggerLife)
	}
}
