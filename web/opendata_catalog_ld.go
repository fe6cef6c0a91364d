package web

// The JSON-LD shapes of open data's DCAT-AP catalogue. Every key is a
// compact IRI of a prefix the document's @context maps (catalogContext);
// TestCatalogIsDCATJSONLD expands the document and checks each one.

// catalogContext maps the prefixes the catalogue uses to their namespaces.
var catalogContext = map[string]string{
	"dcat":  "http://www.w3.org/ns/dcat#",
	"dct":   "http://purl.org/dc/terms/",
	"foaf":  "http://xmlns.com/foaf/0.1/",
	"vcard": "http://www.w3.org/2006/vcard/ns#",
	"rdfs":  "http://www.w3.org/2000/01/rdf-schema#",
	"xsd":   "http://www.w3.org/2001/XMLSchema#",
}

// Vocabularies of the EU Publications Office that DCAT-AP asks for.
const (
	euFrequency = "http://publications.europa.eu/resource/authority/frequency/"
	euTheme     = "http://publications.europa.eu/resource/authority/data-theme"
	euFileType  = "http://publications.europa.eu/resource/authority/file-type/"
	euLanguage  = "http://publications.europa.eu/resource/authority/language/"
	euCountry   = "http://publications.europa.eu/resource/authority/country/"
	ianaMedia   = "http://www.iana.org/assignments/media-types/"
)

// catalogFrequency maps open data's frequencies to the EU frequency
// vocabulary.
var catalogFrequency = map[string]string{
	"quarterly": euFrequency + "QUARTERLY",
	"daily":     euFrequency + "DAILY",
}

// ldText is a language-tagged literal.
type ldText struct {
	Value string `json:"@value"`
	Lang  string `json:"@language"`
}

// ldTyped is a literal typed by an XML Schema datatype ("xsd:date").
type ldTyped struct {
	Value string `json:"@value"`
	Type  string `json:"@type"`
}

// ldRef is a reference to a resource by its IRI.
type ldRef struct {
	ID string `json:"@id"`
}

type ldCatalog struct {
	Context       map[string]string `json:"@context"`
	ID            string            `json:"@id"`
	Type          string            `json:"@type"`
	Title         []ldText          `json:"dct:title"`
	Description   []ldText          `json:"dct:description"`
	Publisher     ldAgent           `json:"dct:publisher"`
	Homepage      ldRef             `json:"foaf:homepage"`
	License       ldLicence         `json:"dct:license"`
	Language      []ldRef           `json:"dct:language"`
	Modified      ldTyped           `json:"dct:modified"`
	ThemeTaxonomy ldRef             `json:"dcat:themeTaxonomy"`
	Datasets      []ldDataset       `json:"dcat:dataset"`
}

type ldAgent struct {
	ID   string   `json:"@id"`
	Type string   `json:"@type"`
	Name []ldText `json:"foaf:name"`
}

type ldLicence struct {
	ID   string `json:"@id"`
	Type string `json:"@type"`
}

type ldDataset struct {
	ID           string         `json:"@id"`
	Type         string         `json:"@type"`
	Identifier   string         `json:"dct:identifier"`
	Title        []ldText       `json:"dct:title"`
	Description  []ldText       `json:"dct:description"`
	Keyword      []ldText       `json:"dcat:keyword"`
	Theme        ldRef          `json:"dcat:theme"`
	Periodicity  ldRef          `json:"dct:accrualPeriodicity"`
	Temporal     *ldPeriod      `json:"dct:temporal,omitempty"`
	Spatial      []ldLocation   `json:"dct:spatial"`
	Modified     ldTyped        `json:"dct:modified"`
	Publisher    ldRef          `json:"dct:publisher"`
	ContactPoint ldContact      `json:"dcat:contactPoint"`
	LandingPage  ldRef          `json:"dcat:landingPage"`
	ConformsTo   ldStandard     `json:"dct:conformsTo"`
	Pages        []ldDocument   `json:"foaf:page"`
	Version      string         `json:"dcat:version"`
	Distribution []ldDistribute `json:"dcat:distribution"`
}

type ldPeriod struct {
	Type  string  `json:"@type"`
	Start ldTyped `json:"dcat:startDate"`
	End   ldTyped `json:"dcat:endDate"`
}

type ldLocation struct {
	ID    string   `json:"@id"`
	Type  string   `json:"@type"`
	Label []ldText `json:"rdfs:label,omitempty"`
}

type ldContact struct {
	ID    string   `json:"@id"`
	Type  string   `json:"@type"`
	Name  []ldText `json:"vcard:fn"`
	URL   ldRef    `json:"vcard:hasURL"`
	Email *ldRef   `json:"vcard:hasEmail,omitempty"`
}

type ldStandard struct {
	ID    string   `json:"@id"`
	Type  string   `json:"@type"`
	Title []ldText `json:"dct:title"`
}

// ldDocument is a page of documentation: one indicator's definition on
// the methodology page.
type ldDocument struct {
	ID    string   `json:"@id"`
	Type  string   `json:"@type"`
	Title []ldText `json:"dct:title"`
}

type ldDistribute struct {
	ID          string    `json:"@id"`
	Type        string    `json:"@type"`
	Title       []ldText  `json:"dct:title"`
	AccessURL   ldRef     `json:"dcat:accessURL"`
	DownloadURL ldRef     `json:"dcat:downloadURL"`
	MediaType   ldRef     `json:"dcat:mediaType"`
	Format      ldRef     `json:"dct:format"`
	License     ldLicence `json:"dct:license"`
	Modified    ldTyped   `json:"dct:modified"`
}
