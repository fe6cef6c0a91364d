package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/piprate/json-gold/ld"
)

// The JSON-LD check of open data's catalogue: the document is expanded by
// a JSON-LD processor (json-gold), so every key and type is resolved
// through the document's own @context exactly as any consumer resolves it,
// and the expanded graph is held to the DCAT-AP terms the catalogue means
// to use.

// Namespaces the catalogue may use.
const (
	nsDCAT  = "http://www.w3.org/ns/dcat#"
	nsDCT   = "http://purl.org/dc/terms/"
	nsFOAF  = "http://xmlns.com/foaf/0.1/"
	nsVCard = "http://www.w3.org/2006/vcard/ns#"
	nsRDFS  = "http://www.w3.org/2000/01/rdf-schema#"
	nsXSD   = "http://www.w3.org/2001/XMLSchema#"
)

// dcatTerms are the classes and properties of DCAT-AP 3 (and the
// vocabularies it reuses) that the catalogue may use: a misspelt term in
// a known namespace is not one of them.
var dcatTerms = func() map[string]bool {
	m := map[string]bool{}
	for ns, terms := range map[string][]string{
		nsDCAT: {"Catalog", "Dataset", "Distribution", "dataset", "distribution", "keyword", "theme", "themeTaxonomy",
			"landingPage", "contactPoint", "accessURL", "downloadURL", "mediaType", "startDate", "endDate", "version"},
		nsDCT: {"title", "description", "publisher", "license", "language", "modified", "identifier", "accrualPeriodicity",
			"temporal", "spatial", "conformsTo", "format", "LicenseDocument", "PeriodOfTime", "Location", "Standard"},
		nsFOAF:  {"Agent", "name", "homepage", "page", "Document"},
		nsVCard: {"Organization", "fn", "hasURL", "hasEmail"},
		nsRDFS:  {"label"},
		nsXSD:   {"date", "dateTime"},
	} {
		for _, t := range terms {
			m[ns+t] = true
		}
	}
	return m
}()

// textTerms must be given in both languages, language-tagged.
var textTerms = []string{nsDCT + "title", nsDCT + "description", nsFOAF + "name", nsVCard + "fn", nsRDFS + "label"}

// offline refuses every remote context: the catalogue must carry its own.
type offline struct{}

func (offline) LoadDocument(u string) (*ld.RemoteDocument, error) {
	return nil, fmt.Errorf("no remote document may be loaded (%s)", u)
}

// expandLD expands doc as JSON-LD, failing on any key that does not
// expand to an absolute IRI (json-gold's safe mode) instead of dropping
// it silently.
func expandLD(doc []byte) ([]any, error) {
	var in any
	if err := json.Unmarshal(doc, &in); err != nil {
		return nil, err
	}
	opts := ld.NewJsonLdOptions("")
	opts.SafeMode = true
	opts.DocumentLoader = offline{}
	return ld.NewJsonLdProcessor().Expand(in, opts)
}

// ldNode is one node object of the expanded graph.
type ldNode map[string]any

func (n ldNode) types() []string {
	var out []string
	ts, _ := n["@type"].([]any)
	for _, t := range ts {
		out = append(out, fmt.Sprint(t))
	}
	return out
}

// objects are the node objects property p points to.
func (n ldNode) objects(p string) []ldNode {
	var out []ldNode
	vs, _ := n[p].([]any)
	for _, v := range vs {
		if m, ok := v.(map[string]any); ok && m["@value"] == nil {
			out = append(out, m)
		}
	}
	return out
}

// checkCatalogLD returns what is wrong with doc as a DCAT-AP catalogue in
// JSON-LD; nothing when all is well.
func checkCatalogLD(doc []byte) []string {
	expanded, err := expandLD(doc)
	if err != nil {
		return []string{"JSON-LD expansion: " + err.Error()}
	}
	var probs []string
	var nodes []ldNode
	for _, v := range expanded {
		if m, ok := v.(map[string]any); ok {
			probs = append(probs, walkLD(m, "", &nodes)...)
		}
	}
	probs = append(probs, checkDCAT(nodes)...)
	return probs
}

// walkLD checks every key, type, IRI and literal of node m (reached by
// property from) and its descendants, and collects the node objects.
func walkLD(m map[string]any, from string, nodes *[]ldNode) []string {
	if _, isValue := m["@value"]; isValue {
		return checkLiteral(m, from)
	}
	*nodes = append(*nodes, m)
	var probs []string
	if id, ok := m["@id"].(string); ok && !absoluteIRI(id) {
		probs = append(probs, fmt.Sprintf("@id %q is not an absolute IRI", id))
	}
	for _, t := range ldNode(m).types() {
		if !dcatTerms[t] {
			probs = append(probs, fmt.Sprintf("type %q is not a DCAT-AP term", t))
		}
	}
	for k, v := range m {
		if strings.HasPrefix(k, "@") {
			continue
		}
		if !dcatTerms[k] {
			probs = append(probs, fmt.Sprintf("property %q is not a DCAT-AP term", k))
		}
		vs, _ := v.([]any)
		for _, x := range vs {
			if child, ok := x.(map[string]any); ok {
				probs = append(probs, walkLD(child, k, nodes)...)
			}
		}
		if slices.Contains(textTerms, k) {
			probs = append(probs, checkBilingual(k, vs)...)
		}
	}
	return probs
}

// checkLiteral: a literal is language-tagged vi or en, or typed by a
// known XML Schema datatype whose lexical form it has, or plain.
func checkLiteral(m map[string]any, from string) []string {
	s, _ := m["@value"].(string)
	if lang, ok := m["@language"].(string); ok && lang != "vi" && lang != "en" {
		return []string{fmt.Sprintf("%s: language %q is neither vi nor en", from, lang)}
	}
	typ, _ := m["@type"].(string)
	layout := map[string]string{nsXSD + "date": time.DateOnly, nsXSD + "dateTime": time.RFC3339}[typ]
	switch {
	case typ != "" && layout == "":
		return []string{fmt.Sprintf("%s: datatype %q is not xsd:date or xsd:dateTime", from, typ)}
	case layout != "":
		if _, err := time.Parse(layout, s); err != nil {
			return []string{fmt.Sprintf("%s: %q is not a valid %s", from, s, typ)}
		}
	}
	dated := from == nsDCT+"modified" || from == nsDCAT+"startDate" || from == nsDCAT+"endDate"
	if dated && layout == "" {
		return []string{fmt.Sprintf("%s: %q is not typed as a date", from, s)}
	}
	return nil
}

// checkBilingual: a text property has a value in Vietnamese and one in
// English, and no untagged one.
func checkBilingual(p string, vs []any) []string {
	langs := map[string]bool{}
	for _, v := range vs {
		m, _ := v.(map[string]any)
		lang, _ := m["@language"].(string)
		if lang == "" {
			return []string{fmt.Sprintf("%s: a value has no language tag", p)}
		}
		langs[lang] = true
	}
	if !langs["vi"] || !langs["en"] {
		return []string{fmt.Sprintf("%s: not given in both vi and en (%v)", p, langs)}
	}
	return nil
}

// checkDCAT holds the nodes to DCAT-AP's mandatory properties.
func checkDCAT(nodes []ldNode) []string {
	var probs []string
	var catalogs []ldNode
	for _, n := range nodes {
		if slices.Contains(n.types(), nsDCAT+"Catalog") {
			catalogs = append(catalogs, n)
		}
	}
	if len(catalogs) != 1 {
		return []string{fmt.Sprintf("%d catalogues, want 1", len(catalogs))}
	}
	c := catalogs[0]
	probs = append(probs, need(c, "catalogue", nsDCT+"title", nsDCT+"description", nsDCT+"publisher", nsDCT+"modified")...)
	datasets := c.objects(nsDCAT + "dataset")
	if len(datasets) == 0 {
		probs = append(probs, "the catalogue has no dataset")
	}
	for _, d := range datasets {
		if !slices.Contains(d.types(), nsDCAT+"Dataset") {
			probs = append(probs, fmt.Sprintf("dataset %v is not a dcat:Dataset", d["@id"]))
		}
		probs = append(probs, need(d, fmt.Sprint(d["@id"]), nsDCT+"title", nsDCT+"description", nsDCAT+"distribution")...)
		for _, dist := range d.objects(nsDCAT + "distribution") {
			probs = append(probs, need(dist, fmt.Sprint(dist["@id"]), nsDCAT+"accessURL")...)
		}
	}
	return probs
}

func need(n ldNode, what string, props ...string) []string {
	var probs []string
	for _, p := range props {
		if vs, _ := n[p].([]any); len(vs) == 0 {
			probs = append(probs, fmt.Sprintf("%s lacks %s", what, p))
		}
	}
	return probs
}

func absoluteIRI(s string) bool {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" || u.Scheme == "mailto" && u.Opaque != ""
}
