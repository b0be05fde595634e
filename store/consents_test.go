package store

import (
	"context"
	"testing"
	"time"
)

// A consent carries who gave it, its scope and its expiry; its withdrawal is a row of its
// own, and a giver the law does not know is refused (issue 10).
func TestConsentDetailsAndWithdrawal(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	given := Consent{Key: "c1", CaseRef: "SAK-2026-0009", RecipientServiceID: "skole", Basis: "samtykke", Form: "muntlig",
		RecordedBy: "U_KARI", RecordedAt: t0, GivenBy: "forelder", Information: "skolehelse", ExpiresAt: t0.AddDate(1, 0, 0)}
	withdrawn := Consent{Key: "c2", CaseRef: "SAK-2026-0009", RecipientServiceID: "skole", Basis: "trukket", Form: "skriftlig",
		RecordedBy: "U_KARI", RecordedAt: t0.Add(time.Hour), GivenBy: "forelder", Reason: "ønsker ikke mer"}
	for _, c := range []Consent{given, withdrawn} {
		if err := s.RecordConsent(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []Consent{
		{Key: "c3", CaseRef: "SAK-2026-0009", RecipientServiceID: "skole", Basis: "trukket"},
		{Key: "c4", CaseRef: "SAK-2026-0009", RecipientServiceID: "skole", Basis: "samtykke", Form: "muntlig", GivenBy: "naboen"},
	} {
		if err := s.RecordConsent(ctx, bad); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
	got, err := s.Consents(ctx, "SAK-2026-0009")
	if err != nil || len(got) != 2 {
		t.Fatalf("%+v %v", got, err)
	}
	if got[0] != given || got[1] != withdrawn {
		t.Fatalf("read back\n%+v\n%+v", got[0], got[1])
	}
}
