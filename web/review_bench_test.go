package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"dxready/survey"
)

// stepForms are the cycle's step posts of in: every question answered with
// its option pick (an index into its options), as the load tool posts them.
func stepForms(in *survey.Instrument, pick int) []url.Values {
	var forms []url.Values
	for _, pl := range in.Pillars {
		form := url.Values{"nav": {"next"}}
		for _, q := range pl.Questions {
			form.Set("q."+q.ID, q.Options[pick%len(q.Options)].ID)
			if q.When == nil {
				form.Add("asked", q.ID)
			}
			if q.Type == survey.Multi {
				form.Add("shown", q.ID)
			}
		}
		forms = append(forms, form)
	}
	return forms
}

// BenchmarkReviewPage shows the review page of a draft whose every step
// was posted once (the load tool's cycle: every question answered, each a
// change) and of one answered over again 20 times (a draft with a long
// history of changes, of which the page lists the latest).
func BenchmarkReviewPage(b *testing.B) {
	cs, in := benchPortal(b)
	c := cs[0]
	status, body := c.send(http.MethodPost, "/assessment", url.Values{})
	m := regexp.MustCompile(`action="/assessment/(\d+)/step/1"`).FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		b.Fatalf("start: %d", status)
	}
	done := 0
	for _, rounds := range []int{1, 20} {
		for ; done < rounds; done++ {
			for pi, form := range stepForms(in, done) {
				if status, _ := c.send(http.MethodPost, fmt.Sprintf("/assessment/%s/step/%d", m[1], pi+1), form); status != http.StatusOK {
					b.Fatalf("step %d: %d", pi+1, status)
				}
			}
		}
		b.Run(fmt.Sprint("rounds=", rounds), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if status, _ := c.send(http.MethodGet, "/assessment/"+m[1]+"/review", nil); status != http.StatusOK {
					b.Fatalf("review: %d", status)
				}
			}
		})
	}
}
