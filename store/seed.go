package store

import "context"

// demoServices is "Eksempel kommune": one provider from every sector of DOMAIN.md, each with
// the law and collaboration section it acts under. Sections marked (?) are unconfirmed and
// kept here, in data, so they can be corrected without touching code.
var demoServices = []Service{
	{ID: "ke", Name: "Koordinerende enhet", Sector: "koordinerende enhet", Law: "helse- og omsorgstjenesteloven", Section: "§ 7-3", SlackChannel: "C_KE", Coordinating: true},
	{ID: "helsestasjon", Name: "Helsestasjon og skolehelsetjeneste", Sector: "kommunal helse og omsorg", Law: "helse- og omsorgstjenesteloven", Section: "§ 3-4", SlackChannel: "C_HELSESTASJON"},
	{ID: "hjemmetjeneste", Name: "Hjemmetjenesten", Sector: "kommunal helse og omsorg", Law: "helse- og omsorgstjenesteloven", Section: "§ 3-4", SlackChannel: "C_HJEMMETJENESTE"},
	{ID: "fastlege", Name: "Fastlegekontoret", Sector: "kommunal helse og omsorg", Law: "helse- og omsorgstjenesteloven", Section: "§ 3-4", SlackChannel: "C_FASTLEGE"},
	{ID: "psykisk-helse-rus", Name: "Psykisk helse og rus", Sector: "kommunal helse og omsorg", Law: "helse- og omsorgstjenesteloven", Section: "§ 3-4", SlackChannel: "C_PSYKISK_HELSE_RUS"},
	{ID: "fysio-ergo", Name: "Fysio- og ergoterapitjenesten", Sector: "kommunal helse og omsorg", Law: "helse- og omsorgstjenesteloven", Section: "§ 3-4", SlackChannel: "C_FYSIO_ERGO"},
	// The neighbouring health trust runs the specialist services, and its own coordinating
	// unit appoints coordinators in specialist care (sphl § 2-5 a); the unit's own section is
	// unconfirmed.
	{ID: "bup", Name: "BUP (barne- og ungdomspsykiatrisk poliklinikk)", Sector: "spesialisthelsetjenesten", Law: "spesialisthelsetjenesteloven", Section: "§ 2-1 e", SlackChannel: "C_BUP", Owner: demoHealthTrust},
	{ID: "habilitering", Name: "Habiliteringstjenesten", Sector: "spesialisthelsetjenesten", Law: "spesialisthelsetjenesteloven", Section: "§ 2-1 e", SlackChannel: "C_HABILITERING", Owner: demoHealthTrust},
	{ID: "hf-koordinerende", Name: "Koordinerende enhet, Helse Eksempel HF", Sector: "spesialisthelsetjenesten", Law: "spesialisthelsetjenesteloven", Section: "§ 2-5 b (?)", SlackChannel: "C_HF_KE", Coordinating: true, Owner: demoHealthTrust},
	{ID: "psykisk-helsevern", Name: "Psykisk helsevern", Sector: "psykisk helsevern", Law: "psykisk helsevernloven", Section: "(?)", SlackChannel: "C_PSYKISK_HELSEVERN"},
	{ID: "tannhelse", Name: "Den offentlige tannhelsetjenesten", Sector: "tannhelse", Law: "tannhelsetjenesteloven", Section: "§ 1-4 a", SlackChannel: "C_TANNHELSE"},
	{ID: "barnevern", Name: "Barneverntjenesten", Sector: "barnevern", Law: "barnevernsloven", Section: "§ 15-8", SlackChannel: "C_BARNEVERN"},
	{ID: "krisesenter", Name: "Krisesenteret", Sector: "krisesenter", Law: "krisesenterloven", Section: "§ 4", SlackChannel: "C_KRISESENTER"},
	{ID: "familievern", Name: "Familievernkontoret", Sector: "familievern", Law: "familievernkontorloven", Section: "§ 1 a", SlackChannel: "C_FAMILIEVERN"},
	{ID: "barnehage", Name: "Barnehagen", Sector: "barnehage", Law: "barnehageloven", Section: "§ 2 b", SlackChannel: "C_BARNEHAGE"},
	{ID: "skole", Name: "Grunnskolen", Sector: "skole og PPT", Law: "opplæringslova", Section: "(?)", SlackChannel: "C_SKOLE"},
	{ID: "ppt", Name: "PPT (pedagogisk-psykologisk tjeneste)", Sector: "skole og PPT", Law: "opplæringslova", Section: "(?)", SlackChannel: "C_PPT"},
	{ID: "friskole", Name: "Friskolen", Sector: "friskole", Law: "friskolelova", Section: "§ 3-6 a", SlackChannel: "C_FRISKOLE"},
	{ID: "nav-sosial", Name: "Sosiale tjenester i NAV", Sector: "NAV", Law: "sosialtjenesteloven", Section: "§ 13", SlackChannel: "C_NAV_SOSIAL"},
	{ID: "nav", Name: "NAV-kontoret", Sector: "NAV", Law: "NAV-loven", Section: "§ 15 a", SlackChannel: "C_NAV"},
	{ID: "flyktning", Name: "Flyktning- og integreringstjenesten", Sector: "integrering", Law: "integreringsloven", Section: "§ 50", SlackChannel: "C_FLYKTNING"},
}

// demoHealthTrust is the demo municipality's neighbouring health trust.
const demoHealthTrust = "Helse Eksempel HF"

// demoStaff are fictional people, one or more per service the demo walks through.
var demoStaff = []Staff{
	{SlackUserID: "U_KARI", Name: "Kari (helsestasjon)", ServiceIDs: []string{"helsestasjon"}},
	{SlackUserID: "U_OLA", Name: "Ola (skole)", ServiceIDs: []string{"skole"}},
	{SlackUserID: "U_AISHA", Name: "Aisha (barnevern)", ServiceIDs: []string{"barnevern"}},
	{SlackUserID: "U_PER", Name: "Per (NAV)", ServiceIDs: []string{"nav"}},
	{SlackUserID: "U_LINE", Name: "Line (BUP)", ServiceIDs: []string{"bup"}},
	{SlackUserID: "U_KE", Name: "Kim (koordinerende enhet)", ServiceIDs: []string{"ke"}},
	{SlackUserID: "U_HANNE", Name: "Hanne (koordinerende enhet, Helse Eksempel HF)", ServiceIDs: []string{"hf-koordinerende"}},
	{SlackUserID: "U_NILS", Name: "Nils (fastlege og hjemmetjeneste)", ServiceIDs: []string{"fastlege", "hjemmetjeneste"}},
	{SlackUserID: "U_RITA", Name: "Rita (revisor)", Roles: []string{"revisor"}},
	{SlackUserID: "U_ADAM", Name: "Adam (administrator)", Roles: []string{"admin"}},
}

// Seed loads the demo municipality; running it again changes nothing.
func (s *Store) Seed(ctx context.Context) error {
	for _, svc := range demoServices {
		if err := s.UpsertService(ctx, svc); err != nil {
			return err
		}
	}
	for _, st := range demoStaff {
		if err := s.UpsertStaff(ctx, st); err != nil {
			return err
		}
	}
	return nil
}
