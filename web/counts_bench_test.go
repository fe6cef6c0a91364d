package web

import (
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"testing"

	"dxready/auth"
	"dxready/locale"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// BenchmarkVaryingCounts renders the review page and a step page (layout
// and content, through render) with other counts every iteration, as real
// users at every point of the survey reach them: answered, total, the
// questions not answered (and their list), the pillars shown, the changes,
// the missing. Pieces keyed by the counts are cut once per new count and,
// past their bound, the page renders whole; pieces with the counts as
// values are cut a few times and then joined.
func BenchmarkVaryingCounts(b *testing.B) {
	st, fx := storetest.OpenWith(b, store.Options{})
	bundle, err := locale.Load()
	if err != nil {
		b.Fatal(err)
	}
	ins, err := survey.LoadEmbedded()
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(Config{Store: st, Bundle: bundle, Ref: fx.Ref, Hasher: auth.NewHasher(storetest.Cheap, 2), Instruments: ins,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Demo: true, Now: fx.Clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/assessment/1/review", nil)
	pg := func(title string) page {
		return page{Lang: locale.VI, OtherLang: locale.EN, Here: "/assessment/1", LangURL: "/assessment/1?lang=en", Title: title,
			Nav: []navItem{{Href: "/", Label: "nav.home"}, {Href: "/assessment", Label: "nav.assessment", Current: true}}}
	}
	b.Run("review", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			n := i % 43
			p := reviewPage{page: pg("page.assessment_review.title"), ResponseID: 42, Version: "v1", Answered: i % 4999, Total: 4999,
				CanSubmit: true}
			for k := range n {
				p.Unanswered = append(p.Unanswered, unansweredView{URL: fmt.Sprintf("/assessment/42/step/%d?check=1&from=review#q-%d", 1+k%6, k),
					Pillar: "Chiến lược", Text: "Doanh nghiệp có kế hoạch chuyển đổi số không?"})
			}
			for k := range 6 {
				pv := pillarAnswersView{ID: fmt.Sprint("p", k), Name: "Trụ cột"}
				if k <= (i/7)%6 {
					pv.Markup = template.HTML("<dt>Câu hỏi</dt><dd>Trả lời</dd>")
				}
				p.Pillars = append(p.Pillars, pv)
			}
			for range i % 16 {
				p.Changes = append(p.Changes, changeView{When: "02/12/2026 10:00 (GMT+7)", Who: "Nguyễn Văn An", Question: "Câu hỏi", Answer: "Có"})
			}
			if f := reflect.ValueOf(&p).Elem().FieldByName("UnansweredCount"); f.IsValid() { // the branch's: main has none
				f.SetInt(int64(n))
			}
			w := httptest.NewRecorder()
			if s.render(w, r, 200, "assessment_review", p); w.Code != 200 {
				b.Fatalf("review: %d", w.Code)
			}
		}
	})
	b.Run("step", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		qs := []questionView{withMarkup(questionView{ID: "q1", Text: "Câu 1"}, "<fieldset>1</fieldset>"), withMarkup(questionView{ID: "q2", Text: "Câu 2"}, "<fieldset>2</fieldset>")}
		for b.Loop() {
			i++
			p := stepPage{page: pg("page.assessment.title"), ResponseID: 42, Step: 1 + i%6, Steps: 6, Answered: i % 4999, Total: 4999,
				Missing: i % 3, Instrument: "Bộ chỉ số", PillarName: "Trụ cột", PillarDesc: "Mô tả", Description: "D", Questions: qs}
			w := httptest.NewRecorder()
			if s.render(w, r, 200, "assessment_step", p); w.Code != 200 {
				b.Fatalf("step: %d", w.Code)
			}
		}
	})
}
