package store

import (
	"context"
	"testing"
)

// The directory says which coordinating unit serves which service: the organisation's own
// (a health trust's for its specialist services), else the municipality's KE; two units for
// one organisation are refused.
func TestCoordinatingUnitPerOrganisation(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	if err := s.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	for service, want := range map[string]string{"bup": "hf-koordinerende", "habilitering": "hf-koordinerende",
		"helsestasjon": "ke", "skole": "ke", "ke": "ke", "hf-koordinerende": "hf-koordinerende"} {
		if got, err := s.CoordinatingUnitFor(ctx, service); err != nil || got.ID != want {
			t.Errorf("%s is served by %q (%v), want %s", service, got.ID, err, want)
		}
	}
	if ke, err := s.CoordinatingUnit(ctx); err != nil || ke.ID != "ke" {
		t.Errorf("the municipality's KE is %q, %v", ke.ID, err)
	}
	if unit, err := s.SpecialistCoordinatingUnit(ctx); err != nil || unit.ID != "hf-koordinerende" || unit.Owner != demoHealthTrust {
		t.Errorf("specialist care's unit is %+v, %v", unit, err)
	}
	second := Service{ID: "hf-ke-2", Name: "En annen enhet", Sector: SectorSpecialist, Law: "spesialisthelsetjenesteloven",
		SlackChannel: "C_X", Coordinating: true, Owner: demoHealthTrust}
	if err := s.UpsertService(ctx, second); err == nil {
		t.Error("a second coordinating unit for the same health trust was accepted")
	}
}
