package locale

import "github.com/nicksnyder/go-i18n/v2/i18n"

// localize is Localizer.T without the fallback, so tests see go-i18n's error.
func localize(l *Localizer, id string, count any) (string, error) {
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: map[string]any{}}
	if count != nil {
		cfg.PluralCount = count
		cfg.TemplateData = map[string]any{"Count": l.formatCount(count)}
	}
	return l.loc.Localize(cfg)
}
