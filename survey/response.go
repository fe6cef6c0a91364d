package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"time"
)

// NotApplicable is the answer "this does not apply to us", allowed on
// questions with AllowNA. It leaves the question out of the score.
const NotApplicable = "na"

// Answer is what a firm chose for one question: option IDs (one for a
// single-choice question, any number for a checklist), or NotApplicable.
type Answer struct {
	Options []string
}

// NA reports whether the answer is "not applicable".
func (a Answer) NA() bool { return len(a.Options) == 1 && a.Options[0] == NotApplicable }

// Profile is what applicability rules may look at about a firm.
type Profile struct {
	Section string // VSIC section letter
	Size    string // size class: micro, small, medium, large
}

// Applies reports whether q is asked of a firm with profile p that has
// given answers so far.
func (q *Question) Applies(p Profile, answers map[string]Answer) bool {
	c := q.When
	if c == nil {
		return true
	}
	if len(c.Sections) > 0 && !slices.Contains(c.Sections, p.Section) {
		return false
	}
	if len(c.Sizes) > 0 && !slices.Contains(c.Sizes, p.Size) {
		return false
	}
	if c.Question != "" {
		a, ok := answers[c.Question]
		if !ok {
			return false
		}
		for _, o := range a.Options {
			if slices.Contains(c.AnyOf, o) {
				return true
			}
		}
		return false
	}
	return true
}

// Answer problems, as i18n message IDs.
const (
	ErrUnknownQuestion = "error.survey.unknown_question"
	ErrUnknownOption   = "error.survey.unknown_option"
	ErrOneOption       = "error.survey.one_option"
	ErrNANotAllowed    = "error.survey.na_not_allowed"
	ErrNotApplicableQ  = "error.survey.question_not_asked"
	ErrUnanswered      = "error.survey.unanswered"
)

// CheckAnswer validates one answer to question id; it returns "" or the
// message ID of the problem.
func (in *Instrument) CheckAnswer(id string, a Answer) string {
	q, ok := in.byID[id]
	if !ok {
		return ErrUnknownQuestion
	}
	if slices.Contains(a.Options, NotApplicable) {
		if !q.AllowNA {
			return ErrNANotAllowed
		}
		if len(a.Options) != 1 {
			return ErrUnknownOption
		}
		return ""
	}
	if q.Type == Single && len(a.Options) != 1 {
		return ErrOneOption
	}
	seen := map[string]bool{}
	for _, o := range a.Options {
		if _, ok := q.Option(o); !ok || seen[o] {
			return ErrUnknownOption
		}
		seen[o] = true
	}
	return ""
}

// Unanswered returns the questions that apply to a firm with profile p and
// have no answer yet, in order: what a review page lists, and what blocks
// submitting.
func (in *Instrument) Unanswered(p Profile, answers map[string]Answer) []*Question {
	var out []*Question
	for _, q := range in.questions {
		if _, ok := answers[q.ID]; !ok && q.Applies(p, answers) {
			out = append(out, q)
		}
	}
	return out
}

// FirstUnanswered is where a resumed survey opens: the first applicable
// question without an answer, or nil when all are answered.
func (in *Instrument) FirstUnanswered(p Profile, answers map[string]Answer) *Question {
	if u := in.Unanswered(p, answers); len(u) > 0 {
		return u[0]
	}
	return nil
}

// Response statuses.
const (
	Draft     = "draft"
	Submitted = "submitted"
)

// Response is a firm's assessment: a draft several users of the firm fill
// in together, then, once submitted, an immutable record.
type Response struct {
	ID          int64
	FirmID      int64
	Instrument  string // "ID@Version"
	Status      string
	Profile     Profile // the firm as it was when the response was started
	Answers     map[string]Answer
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt time.Time
	OwnerID     int64 // a claimant's private draft (auth.DraftOwner); 0: the firm's
}

// Version identifies what a response's score is computed from: its
// instrument, its profile and its answers. Any change to those (an answer
// saved by a colleague, the firm's profile followed by the draft) gives
// another version; a save that changes nothing keeps it. A submission
// names the version it reviewed, and is refused when the stored draft is
// at another one, so a stored score always matches the stored answers.
func (r *Response) Version() string {
	// Written with strconv and append into one buffer, not fmt (281
	// allocations a version of 40 answers, now 4); the bytes
	// hashed are those fmt wrote: "len:text;" a field, "n:" before a
	// question's n options.
	buf := make([]byte, 0, 1024)
	field := func(s string) {
		buf = strconv.AppendInt(buf, int64(len(s)), 10)
		buf = append(buf, ':')
		buf = append(buf, s...)
		buf = append(buf, ';')
	}
	field(r.Instrument)
	field(r.Profile.Section)
	field(r.Profile.Size)
	qs := make([]string, 0, len(r.Answers))
	for q := range r.Answers {
		qs = append(qs, q)
	}
	slices.Sort(qs)
	var opts []string
	for _, q := range qs {
		opts = append(opts[:0], r.Answers[q].Options...)
		slices.Sort(opts)
		field(q)
		buf = strconv.AppendInt(buf, int64(len(opts)), 10)
		buf = append(buf, ':')
		for _, o := range opts {
			field(o)
		}
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:16])
}
