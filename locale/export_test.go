package locale

import (
	"regexp"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// placeholders are every {{.Name}} the catalogues use, each given a dummy
// value so a test can localize any message; Count is set separately.
var placeholders = func() map[string]any {
	m := map[string]any{}
	for _, lang := range Languages {
		b, _ := localeFS.ReadFile("locales/active." + lang + ".toml")
		for _, sm := range regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`).FindAllStringSubmatch(string(b), -1) {
			if sm[1] != "Count" {
				m[sm[1]] = "x"
			}
		}
	}
	return m
}()

// localize is Localizer.T without the fallback, so tests see go-i18n's error.
func localize(l *Localizer, id string, count any) (string, error) {
	data := map[string]any{}
	for k, v := range placeholders {
		data[k] = v
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if count != nil {
		cfg.PluralCount = count
		data["Count"] = l.formatCount(count)
	}
	return l.loc.Localize(cfg)
}
