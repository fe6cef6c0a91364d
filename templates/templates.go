// Package templates embeds the HTML templates: layouts/base.html, the
// partials, and one file per page under pages/. web parses them at start-up.
package templates

import "embed"

// FS holds every template file.
//
//go:embed layouts/*.html partials/*.html pages/*.html
var FS embed.FS
