package static

import (
	"strconv"
	"strings"
)

// Encoding picks the content coding for a response from a request's
// Accept-Encoding header (RFC 9110 §12.5.3): "br" or "gzip" when the
// browser accepts it (q > 0) and the file has it, the one with the higher
// q winning and brotli on a tie; "" for the file as it is. "*" stands for
// every coding the header does not name; a coding given q=0 is refused
// even if "*" would allow it.
func Encoding(header string, haveBr, haveGzip bool) string {
	q := map[string]float64{}
	star := -1.0
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		v := 1.0
		if k, val, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(strings.ToLower(k)) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || f < 0 || f > 1 {
				continue // a q that does not parse accepts nothing
			}
			v = f
		}
		if name == "x-gzip" {
			name = "gzip"
		}
		if name == "*" {
			star = v
			continue
		}
		q[name] = v
	}
	weight := func(c string, have bool) float64 {
		if !have {
			return 0
		}
		if v, ok := q[c]; ok {
			return v
		}
		return max(star, 0)
	}
	br, gz := weight("br", haveBr), weight("gzip", haveGzip)
	switch {
	case br > 0 && br >= gz:
		return "br"
	case gz > 0:
		return "gzip"
	}
	return ""
}
