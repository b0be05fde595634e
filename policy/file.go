package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Municipality is a municipality's local policy, as read from its policy file. Statutory
// rules (the provisional answer after one month, fvl § 11 a; the four-week appeal window,
// pbrl § 7-5; specialist care's 10 working days, pbrl § 2-2) are fixed in code and cannot
// be set here.
type Municipality struct {
	Version      string `yaml:"versjon"`
	Municipality string `yaml:"kommune"`
	// Collaboration is the duty to collaborate, in working days.
	Collaboration struct {
		Clarify    int `yaml:"avklaring_virkedager"`
		Assess     int `yaml:"vurdering_virkedager"`
		Contact    int `yaml:"kontakt_virkedager"`
		Answer     int `yaml:"svar_virkedager"`
		Reminder   int `yaml:"påminnelse_prosent"`
		Reescalate int `yaml:"ny_eskalering_virkedager"`
		// ConsentMonths is how long a consent lasts where local practice sets a limit; 0: until withdrawn.
		ConsentMonths int `yaml:"samtykke_gyldig_måneder"`
		// EvaluationMonths is the default time from an accepted contact to the evaluation
		// with the person; EvaluationRemind the working days before it that the reminder goes.
		EvaluationMonths int `yaml:"evaluering_måneder"`
		EvaluationRemind int `yaml:"evaluering_påminnelse_virkedager"`
	} `yaml:"samarbeidsplikt"`
	Coordinator struct {
		Decision   int `yaml:"vedtak_virkedager"`
		Accept     int `yaml:"svar_på_oppnevning_virkedager"`
		Reminder   int `yaml:"påminnelse_prosent"`
		Reescalate int `yaml:"ny_eskalering_virkedager"`
		// ProvisionalWarn: calendar days before the month for a provisional answer (fvl § 11 a)
		// runs out that the KE is warned.
		ProvisionalWarn int `yaml:"varsel_før_foreløpig_svar_dager"`
		// LateAppealMonths: how long a refused case stays open after the appeal window, so a
		// late appeal (fvl § 31) can be recorded in it.
		LateAppealMonths int `yaml:"åpen_for_sen_klage_måneder"`
	} `yaml:"koordinator"`
	IndividualPlan struct {
		RemindDaysBefore int `yaml:"påminnelse_dager_før_revisjon"`
		Reescalate       int `yaml:"ny_eskalering_virkedager"`
	} `yaml:"individuell_plan"`
}

// statutory are keys someone might try to set, and the rule that fixes each.
var statutory = map[string]string{
	"foreløpig_svar":        "foreløpig svar etter én måned er lovfestet (forvaltningsloven § 11 a)",
	"foreløpig_svar_dager":  "foreløpig svar etter én måned er lovfestet (forvaltningsloven § 11 a)",
	"klagefrist":            "klagefristen på fire uker er lovfestet (pasient- og brukerrettighetsloven § 7-5)",
	"klagefrist_dager":      "klagefristen på fire uker er lovfestet (pasient- og brukerrettighetsloven § 7-5)",
	"vurdering_henvisning":  "spesialisthelsetjenestens 10 virkedager er lovfestet (pasient- og brukerrettighetsloven § 2-2)",
	"henvisning_virkedager": "spesialisthelsetjenestens 10 virkedager er lovfestet (pasient- og brukerrettighetsloven § 2-2)",
}

// DefaultMunicipality is DOMAIN.md's suggested default policy.
func DefaultMunicipality() Municipality {
	var m Municipality
	d := Default()
	m.Version, m.Municipality = d.Version, "standard"
	m.Collaboration.Clarify, m.Collaboration.Assess, m.Collaboration.Contact, m.Collaboration.Answer = d.ClarifyWorkingDays, d.AssessWorkingDays, d.ContactWorkingDays, d.AnswerWorkingDays
	m.Collaboration.Reminder, m.Collaboration.Reescalate = d.ReminderPercent, d.ReescalateWorkingDays
	m.Collaboration.ConsentMonths, m.Collaboration.EvaluationMonths, m.Collaboration.EvaluationRemind = d.ConsentValidMonths, d.EvaluationMonths, d.EvaluationRemindWorkingDays
	m.Coordinator.Decision, m.Coordinator.Accept, m.Coordinator.Reminder, m.Coordinator.Reescalate = 10, 10, 60, 5
	m.Coordinator.ProvisionalWarn, m.Coordinator.LateAppealMonths = 7, 3
	m.IndividualPlan.RemindDaysBefore, m.IndividualPlan.Reescalate = 14, 5
	return m
}

// LoadFile reads and validates a policy file. Fields left out keep the default.
func LoadFile(path string) (Municipality, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Municipality{}, fmt.Errorf("fristpolicy: %w", err)
	}
	m, err := Parse(data)
	if err != nil {
		return m, fmt.Errorf("fristpolicy %s: %w", path, err)
	}
	return m, nil
}

// Parse reads a policy from YAML: unknown keys are refused (a misspelt key would otherwise
// leave a default in force unnoticed), and so are statutory rules.
func Parse(data []byte) (Municipality, error) {
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return Municipality{}, fmt.Errorf("ugyldig YAML: %w", err)
	}
	if err := refuseStatutory(raw, ""); err != nil {
		return Municipality{}, err
	}
	m := DefaultMunicipality()
	m.Version = ""
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) { // EOF: an empty file keeps the defaults
		return m, fmt.Errorf("ukjent eller feil felt: %w", err)
	}
	return m, m.Validate()
}

func refuseStatutory(node map[string]any, path string) error {
	for k, v := range node {
		if rule, ok := statutory[k]; ok {
			return fmt.Errorf("%s%s kan ikke settes i fristpolicyen: %s", path, k, rule)
		}
		if sub, ok := v.(map[string]any); ok {
			if err := refuseStatutory(sub, path+k+"."); err != nil {
				return err
			}
		}
	}
	return nil
}

// Validate checks every number and names each one that is wrong.
func (m Municipality) Validate() error {
	var problems []string
	if strings.TrimSpace(m.Version) == "" {
		problems = append(problems, "versjon mangler: en sak beholder versjonen den startet med, så den må finnes")
	}
	atLeast := func(name string, v, min int) {
		if v < min {
			problems = append(problems, fmt.Sprintf("%s må være minst %d (er %d)", name, min, v))
		}
	}
	percent := func(name string, v int) {
		if v < 1 || v > 99 {
			problems = append(problems, fmt.Sprintf("%s må være mellom 1 og 99 (er %d)", name, v))
		}
	}
	c := m.Collaboration
	atLeast("samarbeidsplikt.avklaring_virkedager", c.Clarify, 1)
	atLeast("samarbeidsplikt.vurdering_virkedager", c.Assess, 1)
	atLeast("samarbeidsplikt.kontakt_virkedager", c.Contact, 1)
	atLeast("samarbeidsplikt.svar_virkedager", c.Answer, 1)
	percent("samarbeidsplikt.påminnelse_prosent", c.Reminder)
	atLeast("samarbeidsplikt.ny_eskalering_virkedager", c.Reescalate, 1)
	atLeast("samarbeidsplikt.samtykke_gyldig_måneder", c.ConsentMonths, 0)
	atLeast("samarbeidsplikt.evaluering_måneder", c.EvaluationMonths, 1)
	atLeast("samarbeidsplikt.evaluering_påminnelse_virkedager", c.EvaluationRemind, 1)
	k := m.Coordinator
	atLeast("koordinator.vedtak_virkedager", k.Decision, 1)
	if k.Decision > 21 {
		problems = append(problems, fmt.Sprintf("koordinator.vedtak_virkedager er %d: over én måned kreves foreløpig svar (fvl § 11 a) før vedtaksfristen, sett den lavere", k.Decision))
	}
	atLeast("koordinator.svar_på_oppnevning_virkedager", k.Accept, 1)
	percent("koordinator.påminnelse_prosent", k.Reminder)
	atLeast("koordinator.ny_eskalering_virkedager", k.Reescalate, 1)
	if k.ProvisionalWarn < 1 || k.ProvisionalWarn > 27 {
		problems = append(problems, fmt.Sprintf("koordinator.varsel_før_foreløpig_svar_dager må være mellom 1 og 27 (er %d): varselet skal komme før måneden er ute", k.ProvisionalWarn))
	}
	if k.LateAppealMonths < 1 || k.LateAppealMonths > 12 {
		problems = append(problems, fmt.Sprintf("koordinator.åpen_for_sen_klage_måneder må være mellom 1 og 12 (er %d)", k.LateAppealMonths))
	}
	atLeast("individuell_plan.påminnelse_dager_før_revisjon", m.IndividualPlan.RemindDaysBefore, 1)
	atLeast("individuell_plan.ny_eskalering_virkedager", m.IndividualPlan.Reescalate, 1)
	if len(problems) > 0 {
		return errors.New("fristpolicyen er ugyldig:\n  - " + strings.Join(problems, "\n  - "))
	}
	return nil
}

// CollaborationDeadlines is the policy a new collaboration-duty case starts with.
func (m Municipality) CollaborationDeadlines() Deadlines {
	c := m.Collaboration
	return Deadlines{Version: m.Version, ClarifyWorkingDays: c.Clarify, AssessWorkingDays: c.Assess,
		ContactWorkingDays: c.Contact, AnswerWorkingDays: c.Answer, ReminderPercent: c.Reminder, ReescalateWorkingDays: c.Reescalate,
		ConsentValidMonths: c.ConsentMonths, EvaluationMonths: c.EvaluationMonths, EvaluationRemindWorkingDays: c.EvaluationRemind, Counting: CountingDays}
}
