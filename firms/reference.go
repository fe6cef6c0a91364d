package firms

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
)

//go:embed refdata/*.csv
var refFS embed.FS

// Ward is a commune-level unit (phường or xã) of the former Binh Duong area
// after the July 2025 reform, with its main pre-reform district for history.
type Ward struct {
	Code               string // new 5-digit GSO code
	Kind               string // "ward" (phường) or "commune" (xã)
	Name               string
	FormerDistrictCode string
	FormerDistrictName string
}

// Park is an industrial park (KCN) and the ward it lies in.
type Park struct {
	Code     string
	Name     string
	WardCode string
}

// VSICVersion2018 is the only VSIC version loaded so far.
const VSICVersion2018 = "2018"

// Industry is one VSIC entry: a section (one letter), a division (2 digits)
// or a class (4 digits), with its names in Vietnamese and English.
type Industry struct {
	Version string
	Code    string
	Section string
	NameVI  string
	NameEN  string
}

// Name returns the name in lang ("en" or anything else for Vietnamese).
func (i Industry) Name(lang string) string {
	if lang == "en" {
		return i.NameEN
	}
	return i.NameVI
}

// Reference is the loaded place and industry data, with lookups.
type Reference struct {
	Wards      []Ward
	Parks      []Park
	Industries []Industry

	wardByCode map[string]Ward
	parkByCode map[string]Park
	vsic       map[string]Industry // key: version + "/" + code
	synonyms   []Synonym
}

// Synonym is an everyday word for an industry ("nội thất" for 3100), from
// refdata/synonyms.csv; a word may name several codes, to choose from.
type Synonym struct {
	Word    string
	Version string
	Code    string
}

// Ward returns the ward with code.
func (r *Reference) Ward(code string) (Ward, bool) { w, ok := r.wardByCode[code]; return w, ok }

// Park returns the park with code.
func (r *Reference) Park(code string) (Park, bool) { p, ok := r.parkByCode[code]; return p, ok }

// Industry returns the entry for exactly this version and code.
func (r *Reference) Industry(version, code string) (Industry, bool) {
	i, ok := r.vsic[version+"/"+code]
	return i, ok
}

// IndustryFor resolves a firm's VSIC code (2 to 5 digits) to the most
// specific entry listed: the code itself, its 4-digit class, or its division.
// It returns false when the division is unknown in that version.
func (r *Reference) IndustryFor(version, code string) (Industry, bool) {
	if len(code) < 2 || len(code) > 5 || !allDigits(code) {
		return Industry{}, false
	}
	for n := len(code); n >= 2; n-- {
		if n == 3 {
			continue
		}
		if i, ok := r.vsic[version+"/"+code[:n]]; ok {
			return i, true
		}
	}
	return Industry{}, false
}

// Sections returns the section entries of a version in letter order.
func (r *Reference) Sections(version string) []Industry {
	var out []Industry
	for _, i := range r.Industries {
		if i.Version == version && len(i.Code) == 1 {
			out = append(out, i)
		}
	}
	return out
}

// LoadReference parses the embedded reference files.
func LoadReference() (*Reference, error) {
	ref := &Reference{wardByCode: map[string]Ward{}, parkByCode: map[string]Park{}, vsic: map[string]Industry{}}
	err := readCSV("refdata/wards.csv", 5, func(f []string) error {
		w := Ward{Code: f[0], Kind: f[1], Name: f[2], FormerDistrictCode: f[3], FormerDistrictName: f[4]}
		if w.Kind != "ward" && w.Kind != "commune" {
			return fmt.Errorf("ward %s: kind %q", w.Code, w.Kind)
		}
		ref.Wards = append(ref.Wards, w)
		ref.wardByCode[w.Code] = w
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV("refdata/parks.csv", 3, func(f []string) error {
		p := Park{Code: f[0], Name: f[1], WardCode: f[2]}
		if _, ok := ref.wardByCode[p.WardCode]; !ok {
			return fmt.Errorf("park %s: unknown ward %s", p.Code, p.WardCode)
		}
		ref.Parks = append(ref.Parks, p)
		ref.parkByCode[p.Code] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV("refdata/vsic2018.csv", 4, func(f []string) error {
		i := Industry{Version: VSICVersion2018, Code: f[0], Section: f[1], NameVI: f[2], NameEN: f[3]}
		if len(i.Section) != 1 || i.NameVI == "" || i.NameEN == "" {
			return fmt.Errorf("vsic %s: incomplete", i.Code)
		}
		ref.Industries = append(ref.Industries, i)
		ref.vsic[i.Version+"/"+i.Code] = i
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readCSV("refdata/synonyms.csv", 3, func(f []string) error {
		syn := Synonym{Word: f[0], Version: f[1], Code: f[2]}
		if _, ok := ref.Industry(syn.Version, syn.Code); !ok || !allDigits(syn.Code) || syn.Word == "" {
			return fmt.Errorf("synonym %q: no industry %s/%s", syn.Word, syn.Version, syn.Code)
		}
		ref.synonyms = append(ref.synonyms, syn)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ref, nil
}

// Synonyms returns the everyday words for industries, in file order.
func (r *Reference) Synonyms() []Synonym { return slices.Clone(r.synonyms) }

func readCSV(name string, cols int, row func([]string) error) error {
	f, err := refFS.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = cols
	if _, err := r.Read(); err != nil {
		return fmt.Errorf("%s: header: %w", name, err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if err := row(rec); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
}
