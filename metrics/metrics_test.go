package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestTemporalHandlerAndOwnSeries(t *testing.T) {
	m := New()
	h := m.TemporalHandler().WithTags(map[string]string{"namespace": "default", "task_queue": "samarbeid"})
	h.Counter("temporal_request").Inc(2)
	h.WithTags(map[string]string{"operation": "Poll"}).Counter("temporal_request").Inc(1) // a new key is dropped, not an error
	h.Gauge("temporal_num_pollers").Update(3)
	h.Timer("temporal_workflow_task_execution_latency").Record(250 * time.Millisecond)
	m.Notices.WithLabelValues("eskalering").Inc()
	m.DeadlinesMissed.Inc()
	m.Answers.WithLabelValues("avklar-tjenester", "avvist").Inc()

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	out := string(body)
	for _, want := range []string{
		`temporal_temporal_request_total{namespace="default",task_queue="samarbeid"} 3`,
		`temporal_temporal_num_pollers{namespace="default",task_queue="samarbeid"} 3`,
		`temporal_temporal_workflow_task_execution_latency_seconds_count{namespace="default",task_queue="samarbeid"} 1`,
		`samarbeid_notices_total{type="eskalering"} 1`,
		`samarbeid_deadlines_missed_total 1`,
		`samarbeid_answers_total{result="avvist",update="avklar-tjenester"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
