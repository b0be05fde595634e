package worker

import (
	"fmt"
	"time"

	sdkworker "go.temporal.io/sdk/worker"
)

// Settings size a worker process. A resting case costs its worker about 62 KiB of RSS as
// long as it sits in the sticky cache (docs/BENCHMARKS.md, "Skala"); an evicted case costs a
// replay of its history when a timer wakes it, a few times a week, so a small cache is cheap.
type Settings struct {
	// StickyCacheSize is how many workflows the process keeps in memory between their tasks.
	// It is process-wide in the SDK: every worker in the process shares the one cache.
	StickyCacheSize int
	// WorkflowPollers and ActivityPollers are the long polls on the task queue.
	WorkflowPollers, ActivityPollers int
}

// Defaults, from the measurements in docs/BENCHMARKS.md: with the SDK's cache of 10,000 the
// worker grew to about 750 MiB RSS at 10,000 open cases; with 1,000 it stayed near 185 MiB at
// 10,000 and 20,000 alike, within the 256 MiB target. Two pollers of each kind are the SDK's
// own default and kept pace with the benchmark's 50 concurrent clicks.
const (
	DefaultStickyCacheSize = 1000
	DefaultWorkflowPollers = 2
	DefaultActivityPollers = 2
)

// stickyScheduleToStart is how long a workflow task or query waits for the worker that holds
// the case in its cache before any worker takes it (and replays the history). The SDK's 5 s
// outlives a Slack trigger_id (3 s): after a worker died, the bot's status query before a modal
// waited 5 s and the modal could no longer open (seen in TestMultiProcessCasesSurviveKillsAndRestarts).
// 2 s leaves the query time to replay elsewhere inside the trigger's life; a live worker picks
// up its sticky tasks in milliseconds, so it rarely costs a replay.
const stickyScheduleToStart = 2 * time.Second

// DefaultSettings are the settings without any environment.
func DefaultSettings() Settings {
	return Settings{StickyCacheSize: DefaultStickyCacheSize, WorkflowPollers: DefaultWorkflowPollers, ActivityPollers: DefaultActivityPollers}
}

// Check names what is wrong with the settings, or returns nil.
func (s Settings) Check() error {
	switch {
	case s.StickyCacheSize < 0:
		return fmt.Errorf("sticky cache må være 0 eller mer (er %d)", s.StickyCacheSize)
	case s.WorkflowPollers < 1 || s.ActivityPollers < 1:
		return fmt.Errorf("worker trenger minst én poller av hvert slag (arbeidsflyt %d, aktivitet %d)", s.WorkflowPollers, s.ActivityPollers)
	}
	return nil
}

// apply sets the process-wide cache and returns the worker options. A zero value leaves the
// SDK's default in place.
func (s Settings) apply() sdkworker.Options {
	if s.StickyCacheSize > 0 {
		sdkworker.SetStickyWorkflowCacheSize(s.StickyCacheSize)
	}
	return sdkworker.Options{
		StickyScheduleToStartTimeout:     stickyScheduleToStart,
		MaxConcurrentWorkflowTaskPollers: s.WorkflowPollers,
		MaxConcurrentActivityTaskPollers: s.ActivityPollers,
	}
}
