// Package metrics exposes samarbeid's Prometheus metrics: the Temporal SDK's own (workflow
// tasks, activities, polls) and samarbeid's (prompts sent, answers, deadlines missed, Slack
// retries), on one registry served at /metrics.
package metrics

import (
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"
)

// Metrics is one process's registry and samarbeid's own series.
type Metrics struct {
	Registry *prometheus.Registry
	// Notices counts messages posted or redrawn in Slack, by notice kind.
	Notices *prometheus.CounterVec
	// Answers counts Slack answers turned into updates, by update and result (godtatt, avvist, feil).
	Answers *prometheus.CounterVec
	// DeadlinesMissed counts escalations to the KE.
	DeadlinesMissed prometheus.Counter
	// SlackRetries counts Slack Web API calls that failed and will be retried by Temporal.
	SlackRetries *prometheus.CounterVec
}

// New makes a registry with Go's runtime collectors and samarbeid's series.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: reg,
		Notices: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "samarbeid_notices_total",
			Help: "Meldinger postet eller oppdatert i Slack, etter type."}, []string{"type"}),
		Answers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "samarbeid_answers_total",
			Help: "Svar fra Slack gjort om til Temporal-oppdateringer, etter oppdatering og resultat."}, []string{"update", "result"}),
		DeadlinesMissed: prometheus.NewCounter(prometheus.CounterOpts{Name: "samarbeid_deadlines_missed_total",
			Help: "Frister som er oversittet og eskalert til koordinerende enhet."}),
		SlackRetries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "samarbeid_slack_errors_total",
			Help: "Kall til Slacks Web API som feilet og prøves igjen, etter metode."}, []string{"method"}),
	}
	reg.MustRegister(m.Notices, m.Answers, m.DeadlinesMissed, m.SlackRetries)
	return m
}

// Handler serves the registry in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// TemporalHandler is the Temporal SDK's metrics handler writing into this registry.
//
// Why our own: the SDK's adapters (contrib/tally, contrib/opentelemetry) are separate
// modules; tally's cannot be fetched on these machines and OpenTelemetry's pulls versions
// that break the embedded Temporal server's build.
func (m *Metrics) TemporalHandler() client.MetricsHandler {
	return &sdkHandler{reg: &sdkRegistry{prom: m.Registry, vecs: map[string]*sdkVec{}}}
}

type sdkRegistry struct {
	prom *prometheus.Registry
	mu   sync.Mutex
	vecs map[string]*sdkVec
}

// sdkVec is one SDK metric. Prometheus wants a fixed set of label names per metric, while
// the SDK may tag a metric differently over time: the first tag set seen fixes the labels,
// later values for other keys are dropped and missing ones are empty.
type sdkVec struct {
	labels    []string
	counter   *prometheus.CounterVec
	gauge     *prometheus.GaugeVec
	histogram *prometheus.HistogramVec
}

func (r *sdkRegistry) vec(kind, name string, tags map[string]string) (*sdkVec, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := kind + ":" + name
	v, ok := r.vecs[key]
	if !ok {
		v = &sdkVec{}
		for k := range tags {
			v.labels = append(v.labels, k)
		}
		sort.Strings(v.labels)
		metric := "temporal_" + strings.NewReplacer(".", "_", "-", "_").Replace(name)
		help := "Temporal SDK: " + name
		switch kind {
		case "counter":
			v.counter = prometheus.NewCounterVec(prometheus.CounterOpts{Name: metric + "_total", Help: help}, v.labels)
			_ = r.prom.Register(v.counter)
		case "gauge":
			v.gauge = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: metric, Help: help}, v.labels)
			_ = r.prom.Register(v.gauge)
		default:
			v.histogram = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: metric + "_seconds", Help: help}, v.labels)
			_ = r.prom.Register(v.histogram)
		}
		r.vecs[key] = v
	}
	values := make([]string, len(v.labels))
	for i, l := range v.labels {
		values[i] = tags[l]
	}
	return v, values
}

type sdkHandler struct {
	reg  *sdkRegistry
	tags map[string]string
}

func (h *sdkHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := make(map[string]string, len(h.tags)+len(tags))
	for k, v := range h.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[k] = v
	}
	return &sdkHandler{reg: h.reg, tags: merged}
}

func (h *sdkHandler) Counter(name string) client.MetricsCounter {
	v, values := h.reg.vec("counter", name, h.tags)
	return counter{v.counter.WithLabelValues(values...)}
}

func (h *sdkHandler) Gauge(name string) client.MetricsGauge {
	v, values := h.reg.vec("gauge", name, h.tags)
	return gauge{v.gauge.WithLabelValues(values...)}
}

func (h *sdkHandler) Timer(name string) client.MetricsTimer {
	v, values := h.reg.vec("timer", name, h.tags)
	return timer{v.histogram.WithLabelValues(values...)}
}

type counter struct{ c prometheus.Counter }

func (c counter) Inc(n int64) { c.c.Add(float64(n)) }

type gauge struct{ g prometheus.Gauge }

func (g gauge) Update(v float64) { g.g.Set(v) }

type timer struct{ o prometheus.Observer }

func (t timer) Record(d time.Duration) { t.o.Observe(d.Seconds()) }
