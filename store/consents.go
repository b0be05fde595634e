package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Consent is a consent, a refusal or a statutory basis for sharing with one service, or the
// withdrawal of a consent (Basis "trukket"): the register is append-only, so a withdrawal is
// a row of its own that ends the consent before it.
type Consent struct {
	Key                string
	CaseRef            string
	RecipientServiceID string
	Basis              string // "samtykke", "lovhjemmel", "nektet" or "trukket"
	Form               string // "muntlig" or "skriftlig" for samtykke and trukket; may be "" otherwise
	StatutoryBasis     string // the cited legal basis when Basis is "lovhjemmel"
	RecordedBy         string
	RecordedAt         time.Time
	GivenBy            string    // "personen", "forelder" or "verge"; "" for lovhjemmel and older rows
	Information        string    // the consent's scope: which information may be shared
	Reason             string    // why it was refused or withdrawn, as the person put it
	ExpiresAt          time.Time // zero: no expiry
}

// RecordConsent stores a consent; the same Key twice keeps the first.
func (s *Store) RecordConsent(ctx context.Context, c Consent) error {
	if c.Key == "" || c.CaseRef == "" || c.RecipientServiceID == "" {
		return errors.New("samtykket mangler nøkkel, sak eller mottakertjeneste")
	}
	// The form may come along with the other bases too (the modal offers it), but only
	// with one of the two known values.
	if c.Form != "" && c.Form != "muntlig" && c.Form != "skriftlig" {
		return fmt.Errorf("ukjent form %q: bruk muntlig eller skriftlig", c.Form)
	}
	switch c.GivenBy {
	case "", "personen", "forelder", "verge":
	default:
		return fmt.Errorf("ukjent avgiver %q: bruk personen, forelder eller verge", c.GivenBy)
	}
	if c.RecordedAt.IsZero() {
		c.RecordedAt = time.Now()
	}
	switch c.Basis {
	case "samtykke", "trukket":
		if c.Form != "muntlig" && c.Form != "skriftlig" {
			return fmt.Errorf("%s må være muntlig eller skriftlig, ikke %q", c.Basis, c.Form)
		}
	case "lovhjemmel":
		if c.StatutoryBasis == "" {
			return errors.New("lovhjemmel er valgt, men hjemmelen mangler")
		}
	case "nektet":
	default:
		return fmt.Errorf("ukjent grunnlag %q: bruk samtykke, lovhjemmel, nektet eller trukket", c.Basis)
	}
	var expires *time.Time
	if !c.ExpiresAt.IsZero() {
		expires = &c.ExpiresAt
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO consents (key, case_ref, recipient_service_id, basis, form, statutory_basis, recorded_by, recorded_at,
			given_by, information, reason, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (key) DO NOTHING`,
		c.Key, c.CaseRef, c.RecipientServiceID, c.Basis, c.Form, c.StatutoryBasis, c.RecordedBy, c.RecordedAt,
		c.GivenBy, c.Information, c.Reason, expires)
	return err
}

// Consents lists a case's consent records in the order they were given.
func (s *Store) Consents(ctx context.Context, caseRef string) ([]Consent, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT key, case_ref, recipient_service_id, basis, form, statutory_basis, recorded_by, recorded_at,
			given_by, information, reason, expires_at
		FROM consents WHERE case_ref = $1 ORDER BY recorded_at, key`, caseRef)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Consent
	for rows.Next() {
		var c Consent
		var expires *time.Time
		if err := rows.Scan(&c.Key, &c.CaseRef, &c.RecipientServiceID, &c.Basis, &c.Form, &c.StatutoryBasis, &c.RecordedBy, &c.RecordedAt,
			&c.GivenBy, &c.Information, &c.Reason, &expires); err != nil {
			return nil, err
		}
		c.RecordedAt = c.RecordedAt.UTC()
		if expires != nil {
			c.ExpiresAt = expires.UTC()
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
