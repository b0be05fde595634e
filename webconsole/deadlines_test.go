package webconsole

import (
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/workflows"
)

func TestDeadlinesCarryTheirRuleAndCitation(t *testing.T) {
	tr := i18n.For("nb")
	mon := time.Date(2026, 3, 30, 9, 0, 0, 0, calendar.Oslo) // the Monday before Easter 2026
	five := calendar.WorkingDayDeadline(mon, 5)              // Maundy Thursday to Easter Monday off: Tuesday 7 April
	for _, tc := range []struct {
		name, kind, step string
		due              time.Time
		rule, citation   string
	}{
		{"duty clarify", "konsoll.kind.duty", "avklaring", five, "5 virkedager", "lokal fristpolicy v9: samarbeidsplikt.avklaring_virkedager"},
		{"duty answer", "konsoll.kind.duty", "svar", five, "5 virkedager", "lokal fristpolicy v9: samarbeidsplikt.svar_virkedager"},
		{"coordinator decision", "konsoll.kind.coordinator", "vedtak", calendar.WorkingDayDeadline(mon, 10), "10 virkedager", "lokal fristpolicy v9: koordinator.vedtak_virkedager"},
		{"coordinator naming answer", "konsoll.kind.coordinator", "svar-oppnevning", five, "5 virkedager", "lokal fristpolicy v9: koordinator.svar_på_oppnevning_virkedager"},
		{"vacancy", "konsoll.kind.coordinator", "ny-oppnevning", mon, "straks, så hver 5. virkedag", "lokal fristpolicy v9: koordinator.ny_eskalering_virkedager"},
		{"provisional answer", "konsoll.kind.coordinator", "foreløpig-svar", workflows.ProvisionalAnswerDeadline(mon), "én måned fra forespørselen kom inn", "fvl § 11 a; domstolloven § 148 andre ledd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := deadlineRows(tr, tc.kind, "v9", 5, workflows.Deadlines{{Step: tc.step, Start: mon, Due: tc.due}})
			if len(rows) != 1 || rows[0].Rule != tc.rule || rows[0].Citation != tc.citation {
				t.Fatalf("got %+v, want rule %q citation %q", rows, tc.rule, tc.citation)
			}
		})
	}
}

// Every local rule names a key the policy file really has.
func TestLocalRulesNamePolicyKeys(t *testing.T) {
	for kind, steps := range localRules {
		for step, f := range steps {
			if k := policyKey(f[0], f[1]); k == "" || strings.HasPrefix(k, ".") || strings.HasSuffix(k, ".") {
				t.Errorf("%s %s: no policy key for %v", kind, step, f)
			}
		}
	}
	if policyKey("Collaboration", "NoSuchField") != "" {
		t.Fatal("an unknown field must give no key")
	}
}

func TestAppealWindowRow(t *testing.T) {
	tr := i18n.For("nb")
	notified := time.Date(2026, 11, 27, 10, 0, 0, 0, calendar.Oslo) // window would end on Christmas Day
	st := workflows.CoordinatorStatus{Step: workflows.CoordStepAppealOpen, NotifiedAt: notified,
		AppealDeadline: workflows.AppealWindowEnd(notified)}
	row, ok := appealWindowRow(tr, st)
	if !ok || row.Done || !strings.HasPrefix(row.Citation, workflows.AppealCitation+"; domstolloven § 149") ||
		!strings.Contains(row.Rule, "4 uker") || row.Due.In(calendar.Oslo).Day() != 28 {
		t.Fatalf("got %+v", row)
	}
	if _, ok := appealWindowRow(tr, workflows.CoordinatorStatus{}); ok {
		t.Fatal("no window before a refusal")
	}
}
