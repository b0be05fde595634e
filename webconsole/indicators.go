package webconsole

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/go-analyze/charts"

	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/report"
)

// chart is one figure of the Indikatorer page: the picture, and the same figures as a table
// beside it (for screen readers, and for whoever would rather read than look).
type chart struct {
	TitleKey string
	SVG      template.URL // a data: URL of the server-rendered SVG; empty when there is nothing to draw
	Head     []string
	Rows     [][]string
}

// svgData renders a bar chart as a data: URL for an <img>, so the picture carries no
// script and the page's content security policy stays strict.
func svgData(horizontal bool, values [][]float64, labels, legend []string) (template.URL, error) {
	if len(labels) == 0 {
		return "", nil
	}
	opts := []charts.OptionFunc{charts.SVGOutputOptionFunc(), charts.DimensionsOptionFunc(560, 60+36*len(labels)),
		charts.ThemeNameOptionFunc(charts.ThemeLight), wholeNumbers}
	if len(legend) > 1 {
		opts = append(opts, charts.LegendLabelsOptionFunc(legend))
	}
	var p *charts.Painter
	var err error
	if horizontal {
		p, err = charts.HorizontalBarRender(values, append(opts, charts.YAxisLabelsOptionFunc(labels))...)
	} else {
		// Counts start at 0, so a bar's height is its count (the library would start at the lowest).
		opts[1] = charts.DimensionsOptionFunc(560, 320)
		// Small counts get a tick per count, not 0,8 and 1,6.
		axis := charts.YAxisOption{Min: charts.Ptr(0.0)}
		if top := maxOf(values); top <= 10 {
			axis.LabelCount, axis.Max = int(top)+2, charts.Ptr(top+1)
		}
		opts = append(opts, charts.YAxisOptionFunc(axis))
		p, err = charts.BarRender(values, append(opts, charts.XAxisLabelsOptionFunc(labels))...)
	}
	if err != nil {
		return "", err
	}
	buf, err := p.Bytes()
	if err != nil {
		return "", err
	}
	return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(buf)), nil
}

// indicatorCharts turns the report's figures into charts with their tables.
// wholeNumbers writes axis values as counts (3, not 3.00), with a decimal comma when a
// value has a fraction.
func wholeNumbers(opt *charts.ChartOption) {
	opt.ValueFormatter = func(f float64) string {
		if f == float64(int64(f)) {
			return fmt.Sprint(int64(f))
		}
		return strings.Replace(fmt.Sprintf("%.1f", f), ".", ",", 1)
	}
}

func indicatorCharts(tr *i18n.Translator, ind report.Indicators) ([]chart, error) {
	var out []chart

	// Contact requests answered on time, by sector.
	cc := chart{TitleKey: "konsoll.ind.chart_contacts", Head: []string{tr.T("konsoll.ind.sector"), tr.T("konsoll.ind.sent"),
		tr.T("konsoll.ind.answered"), tr.T("konsoll.ind.on_time")}}
	var labels []string
	onTime, late := []float64{}, []float64{}
	for _, s := range ind.Contacts {
		labels = append(labels, s.Sector)
		onTime = append(onTime, float64(s.OnTime.Count))
		late = append(late, float64(s.OnTime.Of-s.OnTime.Count))
		cc.Rows = append(cc.Rows, []string{s.Sector, fmt.Sprint(s.Sent), fmt.Sprint(s.Answered), share(tr, s.OnTime)})
	}
	var err error
	if cc.SVG, err = svgData(true, [][]float64{onTime, late}, labels, []string{tr.T("konsoll.ind.on_time"), tr.T("konsoll.ind.late")}); err != nil {
		return nil, err
	}
	out = append(out, cc)

	// Escalations (deadlines passed) by step.
	ec := chart{TitleKey: "konsoll.ind.chart_escalations", Head: []string{tr.T("konsoll.ind.step"), tr.T("konsoll.ind.count")}}
	labels, counts := sortedCounts(ind.Escalations)
	for i, l := range labels {
		ec.Rows = append(ec.Rows, []string{l, fmt.Sprint(counts[i])})
	}
	if ec.SVG, err = svgData(false, [][]float64{counts}, labels, nil); err != nil {
		return nil, err
	}
	out = append(out, ec)

	// Escalations by month, every month of the period.
	mc := chart{TitleKey: "konsoll2.ind.chart_escalations_month", Head: []string{tr.T("konsoll2.ind.month"), tr.T("konsoll.ind.count")}}
	labels, counts = nil, nil
	for _, m := range ind.EscalationsByMonth {
		labels = append(labels, m.Month)
		counts = append(counts, float64(m.Count))
		mc.Rows = append(mc.Rows, []string{m.Month, fmt.Sprint(m.Count)})
	}
	// Month labels run together under a column chart; as rows they stay readable. A
	// horizontal chart draws its first row at the bottom, so the months go in reversed to
	// read from the top, as the table does.
	slices.Reverse(labels)
	slices.Reverse(counts)
	if mc.SVG, err = svgData(true, [][]float64{counts}, labelsIfAny(labels, counts), nil); err != nil {
		return nil, err
	}
	out = append(out, mc)

	// Working days from a coordinator request to the decision and to an accepted
	// coordinator, as distributions beside the medians.
	dc := chart{TitleKey: "konsoll2.ind.chart_days", Head: []string{tr.T("konsoll2.ind.working_days"),
		tr.T("konsoll2.ind.to_decision"), tr.T("konsoll2.ind.to_accepted")}}
	labels = nil
	decided, accepted := []float64{}, []float64{}
	for i, b := range ind.Coordinators.DaysToDecision {
		var acc int
		if i < len(ind.Coordinators.DaysToAccepted) {
			acc = ind.Coordinators.DaysToAccepted[i].Count
		}
		labels = append(labels, b.Bucket.String())
		decided = append(decided, float64(b.Count))
		accepted = append(accepted, float64(acc))
		dc.Rows = append(dc.Rows, []string{b.Bucket.String(), fmt.Sprint(b.Count), fmt.Sprint(acc)})
	}
	if dc.SVG, err = svgData(false, [][]float64{decided, accepted}, labelsIfAny(labels, decided, accepted),
		[]string{tr.T("konsoll2.ind.to_decision"), tr.T("konsoll2.ind.to_accepted")}); err != nil {
		return nil, err
	}
	out = append(out, dc)

	// Shares that should be near 100 %.
	sc := chart{TitleKey: "konsoll.ind.chart_shares", Head: []string{tr.T("konsoll.ind.measure"), tr.T("konsoll.ind.share")}}
	shares := []struct {
		key string
		s   report.Share
	}{
		{"konsoll.ind.consent_coverage", ind.ConsentCoverage},
		{"konsoll.ind.provisional_on_time", ind.Coordinators.ProvisionalOnTime},
		{"konsoll.ind.child_with_coordinator", ind.Coordinators.ChildGrantedWithCoordinator},
		{"konsoll.ind.plans_on_time", ind.PlansRevisedOnTime},
	}
	labels = nil
	var pcts []float64
	for _, s := range shares {
		sc.Rows = append(sc.Rows, []string{tr.T(s.key), share(tr, s.s)})
		if s.s.Of > 0 {
			labels = append(labels, tr.T(s.key))
			pcts = append(pcts, s.s.Percent())
		}
	}
	if sc.SVG, err = svgData(true, [][]float64{pcts}, labels, nil); err != nil {
		return nil, err
	}
	out = append(out, sc)

	// Outcomes of the cases closed in the period.
	oc := chart{TitleKey: "konsoll.ind.chart_outcomes", Head: []string{tr.T("konsoll.ind.outcome"), tr.T("konsoll.ind.count")}}
	labels, counts = sortedCounts(ind.Cases.Outcomes)
	for i, l := range labels {
		oc.Rows = append(oc.Rows, []string{l, fmt.Sprint(counts[i])})
	}
	if oc.SVG, err = svgData(false, [][]float64{counts}, labels, nil); err != nil {
		return nil, err
	}
	out = append(out, oc)
	return out, nil
}

func maxOf(values [][]float64) float64 {
	var top float64
	for _, s := range values {
		for _, v := range s {
			top = max(top, v)
		}
	}
	return top
}

// labelsIfAny is labels when any series counted something, else nil: a chart of zeros
// draws nothing worth a picture, and the table beside it says the same.
func labelsIfAny(labels []string, series ...[]float64) []string {
	for _, s := range series {
		for _, v := range s {
			if v != 0 {
				return labels
			}
		}
	}
	return nil
}

func share(tr *i18n.Translator, s report.Share) string {
	if s.Of == 0 {
		return "–"
	}
	return tr.T("konsoll.ind.share_of", "Count", s.Count, "Of", s.Of, "Percent", fmt.Sprintf("%.0f", s.Percent()))
}

func sortedCounts(m map[string]int) ([]string, []float64) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]float64, len(keys))
	for i, k := range keys {
		vals[i] = float64(m[k])
	}
	return keys, vals
}

func (c *Console) indicatorsPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	from, to, problem := c.period(r.URL.Query())
	data := map[string]any{"From": from, "To": to, "Problem": problem}
	if problem == "" {
		ind, err := report.Compute(r.Context(), c.cfg.Store, from, to)
		if err != nil {
			c.fail(w, r, v, err)
			return
		}
		figs, err := indicatorCharts(v.tr, ind)
		if err != nil {
			c.fail(w, r, v, err)
			return
		}
		data["Ind"], data["Charts"] = ind, figs
	}
	c.render(w, r, http.StatusOK, "indicators", v, data)
}
