package webconsole

import (
	"reflect"
	"strings"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/policy"
	"github.com/samarbeid/samarbeid/workflows"
)

// deadlineRow is one deadline on the Sak page with the rule it follows and where that rule
// is written: a local policy key with the case's policy version, or a statute.
type deadlineRow struct {
	workflows.Deadline
	Rule, Citation string
}

// localRules names, per step of a deadline, the policy file's field that sets its length
// (section and field of policy.Municipality; the key is read from its yaml tag).
var localRules = map[string]map[string][2]string{
	"konsoll.kind.duty": {
		string(workflows.StepClarify):    {"Collaboration", "Clarify"},
		string(workflows.StepAssess):     {"Collaboration", "Assess"},
		string(workflows.StepContact):    {"Collaboration", "Contact"},
		string(workflows.StepSuggestion): {"Collaboration", "Contact"},
		"svar":                           {"Collaboration", "Answer"},
	},
	"konsoll.kind.coordinator": {
		"vedtak":          {"Coordinator", "Decision"},
		"klagevurdering":  {"Coordinator", "Decision"},
		"oppnevning":      {"Coordinator", "Accept"},
		"svar-oppnevning": {"Coordinator", "Accept"},
		"ny-oppnevning":   {"Coordinator", "Reescalate"},
	},
}

// policyKey is the policy file's key for a field, "samarbeidsplikt.avklaring_virkedager",
// read from policy.Municipality's yaml tags so it cannot drift from the file format.
func policyKey(section, field string) string {
	s, ok := reflect.TypeOf(policy.Municipality{}).FieldByName(section)
	if !ok {
		return ""
	}
	f, ok := s.Type.FieldByName(field)
	if !ok {
		return ""
	}
	return yamlName(s) + "." + yamlName(f)
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// deadlineRows gives each deadline of a case its rule and citation. Statutory citations
// come from workflows' and calendar's tables; local ones from the case's policy version.
func deadlineRows(tr *i18n.Translator, kindKey, policyVersion string, reescalate int, ds workflows.Deadlines) []deadlineRow {
	out := make([]deadlineRow, 0, len(ds))
	for _, d := range ds {
		row := deadlineRow{Deadline: d}
		switch {
		case kindKey == "konsoll.kind.coordinator" && d.Step == string(workflows.CoordStepProvisional):
			row.Rule = tr.T("konsoll2.rule.provisional")
			row.Citation = workflows.ProvisionalAnswerCitation + "; " + calendar.RuleMonth.Citation
		default:
			f, ok := localRules[kindKey][d.Step]
			if !ok {
				row.Rule, row.Citation = "–", tr.T("konsoll2.rule.local_citation", "Version", policyVersion, "Key", "–")
				break
			}
			if f[1] == "Reescalate" {
				row.Rule = tr.N("konsoll2.rule.at_once", reescalate)
			} else {
				row.Rule = tr.N("konsoll2.rule.working_days", calendar.WorkingDaysBetween(d.Start, d.Due))
			}
			row.Citation = tr.T("konsoll2.rule.local_citation", "Version", policyVersion, "Key", policyKey(f[0], f[1]))
		}
		out = append(out, row)
	}
	return out
}

// appealWindowRow is a refused coordinator request's appeal window as a deadline row: the
// person's deadline, four weeks from notice (pbrl § 7-5), moved to the next working day
// off a day off (domstolloven § 149). It is not one of the case's clocks, so it is added here.
func appealWindowRow(tr *i18n.Translator, st workflows.CoordinatorStatus) (deadlineRow, bool) {
	if st.AppealDeadline.IsZero() {
		return deadlineRow{}, false
	}
	start := st.NotifiedAt
	if start.IsZero() && len(st.Decisions) > 0 {
		start = st.Decisions[len(st.Decisions)-1].At
	}
	return deadlineRow{
		Deadline: workflows.Deadline{Step: string(workflows.CoordStepAppealOpen), Start: start, Due: st.AppealDeadline,
			Done: st.Step != workflows.CoordStepAppealOpen},
		Rule:     tr.T("konsoll2.rule.appeal_window", "Weeks", workflows.AppealWeeks),
		Citation: workflows.AppealCitation + "; " + calendar.RuleNextWorkingDay.Citation,
	}, true
}
