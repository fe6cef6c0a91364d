package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// A step saves all its answers at once: each answer that is new or changed
// is stored and recorded once, with who and when; one sent again as it was
// changes nothing and records nothing, whatever else in the step changed.
func TestSaveAnswersRecordsExactlyWhatChanged(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	d, err := s.Draft(ctx, fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "medium"}, fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	type change struct {
		q    string
		opts []string
	}
	steps := []struct {
		answers map[string]survey.Answer
		changes []change // recorded by this save, in any order
	}{
		{map[string]survey.Answer{"cx.website": {Options: []string{"weekly"}}, "cx.tools": {Options: []string{"crm", "email"}},
			"cx.online_sales": {Options: []string{"na"}}},
			[]change{{"cx.website", []string{"weekly"}}, {"cx.tools", []string{"crm", "email"}}, {"cx.online_sales", []string{"na"}}}},
		{map[string]survey.Answer{"cx.website": {Options: []string{"weekly"}}, "cx.tools": {Options: nil}}, []change{{"cx.tools", []string{}}}},
		{map[string]survey.Answer{"cx.website": {Options: []string{"weekly"}}, "cx.tools": {Options: []string{}}}, nil},
		{map[string]survey.Answer{"cx.website": {Options: []string{"daily"}}, "cx.online_sales": {Options: []string{"na"}}},
			[]change{{"cx.website", []string{"daily"}}}},
	}
	recorded := 0
	for i, st := range steps {
		fx.Clock.Add(time.Second)
		if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, st.answers, fx.FirmUser.ID); err != nil {
			t.Fatal(err)
		}
		ch, err := s.AnswerChanges(ctx, d.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, c := range ch[:len(ch)-recorded] { // newest first: this save's
			got = append(got, fmt.Sprintf("%s=%q", c.Question, c.Options))
			if c.UserName != fx.FirmUser.Name || !c.At.Equal(fx.Clock.Now()) {
				t.Fatalf("save %d: change %+v not by %s at %v", i+1, c, fx.FirmUser.Name, fx.Clock.Now())
			}
		}
		for _, c := range st.changes {
			want = append(want, fmt.Sprintf("%s=%q", c.q, c.opts))
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("save %d recorded %v, want %v", i+1, got, want)
		}
		recorded = len(ch)
	}
	r, err := s.FindResponse(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"cx.website": {"daily"}, "cx.tools": {}, "cx.online_sales": {"na"}}
	if len(r.Answers) != len(want) {
		t.Fatalf("answers %v, want %v", r.Answers, want)
	}
	for q, opts := range want {
		if got := r.Answers[q].Options; got == nil || !slices.Equal(got, opts) {
			t.Fatalf("%s = %#v, want %v", q, got, opts)
		}
	}
}

// BenchmarkSaveStep saves a step of seven answers, each changed every
// time (a step post of the load tool's cycle).
func BenchmarkSaveStep(b *testing.B) {
	s, fx := storetest.OpenWith(b, store.Options{})
	in := storetest.Instrument(b)
	d, err := s.Draft(ctx, fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "medium"}, fx.FirmUser.ID)
	if err != nil {
		b.Fatal(err)
	}
	qs := in.Pillars[0].Questions
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		answers := map[string]survey.Answer{}
		for _, q := range qs {
			answers[q.ID] = survey.Answer{Options: []string{q.Options[i%len(q.Options)].ID}}
		}
		if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, answers, fx.FirmUser.ID); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
