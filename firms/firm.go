package firms

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"dxready/plaintext"
)

// Firm validation problems, as i18n message IDs.
const (
	ErrNameRequired       Problem = "error.firm.name_required"
	ErrNameTooLong        Problem = "error.firm.name_too_long"
	ErrVSICRequired       Problem = "error.firm.vsic_required"
	ErrVSICUnknown        Problem = "error.firm.vsic_unknown"
	ErrVSICVersion        Problem = "error.firm.vsic_version"
	ErrWardRequired       Problem = "error.firm.ward_required"
	ErrWardUnknown        Problem = "error.firm.ward_unknown"
	ErrParkUnknown        Problem = "error.firm.park_unknown"
	ErrEmployeesRange     Problem = "error.firm.employees_range"
	ErrMoneyRange         Problem = "error.firm.money_range"
	ErrYearRange          Problem = "error.firm.year_range"
	ErrAssociationUnknown Problem = "error.firm.association_unknown"
)

// MaxNameLen bounds a legal name, in characters.
const MaxNameLen = 300

// Firm is an enterprise in the registry. VSIC code, ward and size inputs may
// be missing for a firm that registered itself and has not completed its
// profile; Complete reports whether they are all there.
type Firm struct {
	ID          int64
	TaxCode     TaxCode
	Name        string // NFC, diacritics kept
	VSICVersion string
	VSICCode    string
	Section     string // derived from VSIC
	WardCode    string
	ParkCode    string // "" when outside any industrial park
	Size        SizeInputs
	SizeClass   SizeClass // "" until the size inputs are known
	Demo        bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Complete reports whether the profile has what scoring and aggregates need.
func (f *Firm) Complete() bool {
	return f.VSICCode != "" && f.WardCode != "" && f.SizeClass != ""
}

// Normalize cleans the free-text fields in place (the name by the text
// rule, plaintext.Line) and returns the name's problem, if any.
func (f *Firm) Normalize() plaintext.Problem {
	var p plaintext.Problem
	f.Name, p = plaintext.Line(f.Name)
	f.VSICCode = strings.TrimSpace(f.VSICCode)
	f.WardCode = strings.TrimSpace(f.WardCode)
	f.ParkCode = strings.TrimSpace(f.ParkCode)
	if f.VSICVersion == "" {
		f.VSICVersion = VSICVersion2018
	}
	return p
}

// Validate checks a full registry record (as imported or edited by staff and
// firms): every field required except the park. On success it fills Section
// and SizeClass. now bounds the year of the size figures.
func (f *Firm) Validate(ref *Reference, now time.Time) Problems {
	ps := Problems{}
	if p := f.Normalize(); p != "" {
		ps.Add("name", Problem(p))
	}
	f.validateName(ps)
	f.validateIndustry(ref, ps)
	switch _, ok := ref.Ward(f.WardCode); {
	case f.WardCode == "":
		ps.Add("ward", ErrWardRequired)
	case !ok:
		ps.Add("ward", ErrWardUnknown)
	}
	if _, ok := ref.Park(f.ParkCode); f.ParkCode != "" && !ok {
		ps.Add("park", ErrParkUnknown)
	}
	f.validateSize(now, ps)
	if len(ps) == 0 {
		f.SizeClass = Classify(SectorGroupForSection(f.Section), f.Size)
	}
	return ps
}

func (f *Firm) validateName(ps Problems) {
	switch n := utf8.RuneCountInString(f.Name); {
	case n == 0:
		ps.Add("name", ErrNameRequired)
	case n > MaxNameLen:
		ps.Add("name", ErrNameTooLong)
	}
}

func (f *Firm) validateIndustry(ref *Reference, ps Problems) {
	if f.VSICVersion != VSICVersion2018 {
		ps.Add("vsic", ErrVSICVersion)
		return
	}
	if f.VSICCode == "" {
		ps.Add("vsic", ErrVSICRequired)
		return
	}
	ind, ok := ref.IndustryFor(f.VSICVersion, f.VSICCode)
	if !ok {
		ps.Add("vsic", ErrVSICUnknown)
		return
	}
	f.Section = ind.Section
}

func (f *Firm) validateSize(now time.Time, ps Problems) {
	if f.Size.Employees < 0 || f.Size.Employees > 1_000_000 {
		ps.Add("employees", ErrEmployeesRange)
	}
	const maxVND = 1_000_000 * billion // a million billion VND: far above any firm
	if f.Size.RevenueVND < 0 || f.Size.RevenueVND > maxVND {
		ps.Add("revenue", ErrMoneyRange)
	}
	if f.Size.CapitalVND < 0 || f.Size.CapitalVND > maxVND {
		ps.Add("capital", ErrMoneyRange)
	}
	if f.Size.Year < 2000 || f.Size.Year > now.Year() {
		ps.Add("year", ErrYearRange)
	}
}

// Association is an industry or business association the Center works with.
type Association struct {
	ID     int64
	Code   string // short stable code, e.g. "bifa"
	NameVI string
	NameEN string
	Demo   bool // a made-up association for the demo province
}

// Name returns the name in lang.
func (a Association) Name(lang string) string {
	if lang == "en" && a.NameEN != "" {
		return a.NameEN
	}
	return a.NameVI
}

// Contact problems, as i18n message IDs.
const (
	ErrContactNameRequired Problem = "error.contact.name_required"
	ErrContactEmail        Problem = "error.contact.email"
	ErrContactPhone        Problem = "error.contact.phone"
	ErrContactConsent      Problem = "error.contact.consent_required"
	ErrContactTooLong      Problem = "error.contact.too_long"
)

// ContactConsentVersion is the version of the consent text a contact person
// agrees to; bump it (and add the new text to the bundle) when the text changes.
const ContactConsentVersion = "contact-v1"

// Contact is a firm's contact person. It is personal data: it exists only
// with a recorded consent (which text, when, given by which user).
type Contact struct {
	FirmID         int64
	FullName       string
	Title          string
	Email          string
	Phone          string
	ConsentVersion string
	ConsentAt      time.Time
	ConsentBy      int64 // user who recorded the consent
}

// Validate checks the contact; consented says the consent box was ticked.
func (c *Contact) Validate(consented bool) Problems {
	ps := Problems{}
	for field, v := range map[string]*string{"full_name": &c.FullName, "title": &c.Title, "email": &c.Email, "phone": &c.Phone} {
		var p plaintext.Problem
		if *v, p = plaintext.Line(*v); p != "" {
			ps.Add(field, Problem(p))
		}
	}
	c.Phone = strings.ReplaceAll(c.Phone, " ", "")
	if !consented {
		ps.Add("consent", ErrContactConsent)
	}
	if c.FullName == "" {
		ps.Add("full_name", ErrContactNameRequired)
	}
	if utf8.RuneCountInString(c.FullName) > 200 || utf8.RuneCountInString(c.Title) > 200 {
		ps.Add("full_name", ErrContactTooLong)
	}
	if a, err := mail.ParseAddress(c.Email); c.Email != "" && (err != nil || a.Address != c.Email) {
		ps.Add("email", ErrContactEmail)
	}
	if c.Phone != "" && !validPhone(c.Phone) {
		ps.Add("phone", ErrContactPhone)
	}
	return ps
}

// validPhone accepts a Vietnamese number: 0 or +84 followed by 9–10 digits.
func validPhone(p string) bool {
	switch {
	case strings.HasPrefix(p, "+84"):
		p = p[3:]
	case strings.HasPrefix(p, "0"):
		p = p[1:]
	default:
		return false
	}
	return len(p) >= 9 && len(p) <= 10 && allDigits(p)
}
