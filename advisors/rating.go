package advisors

import (
	"strings"
	"time"
	"unicode/utf8"
)

// The rules of a consultation's rating by its firm.
const (
	// RatingLinkTTL is how long the emailed link asking for a rating
	// works: a month is enough to answer, and a link that lived for ever
	// would be a standing credential in a mailbox.
	RatingLinkTTL = 30 * 24 * time.Hour
	// RatingMin and RatingMax bound a rating.
	RatingMin, RatingMax = 1, 5
	// RatingCommentMax is the longest comment, in characters.
	RatingCommentMax = 1000
	// RatingChanges is how many times a firm may change its rating.
	RatingChanges = 1
	// MinRatings is the fewest ratings an advisor's mean is shown for: with
	// one or two, the mean is one firm's (or two firms') own word, which
	// the advisor could tie to the consultation, and it swings too much
	// to judge anyone by.
	MinRatings = 3
)

// Problems of a rating, named by their message IDs.
const (
	ErrRatingRange   = "error.rating_range"
	ErrRatingComment = "error.rating_comment"
	ErrRatingNotHeld = "error.rating_not_held"
	ErrRatingChanged = "error.rating_changed"
)

// ValidateRating checks a rating and its comment; it returns the problems
// by field (rating, comment), empty when there is none.
func ValidateRating(rating int, comment string) map[string]string {
	p := map[string]string{}
	if rating < RatingMin || rating > RatingMax {
		p["rating"] = ErrRatingRange
	}
	if utf8.RuneCountInString(strings.TrimSpace(comment)) > RatingCommentMax {
		p["comment"] = ErrRatingComment
	}
	return p
}

// CanRate says why a booking of status, rated changes times already
// (-1: not rated yet), may not be rated now: "" when it may. Only a held
// consultation is rated, and a rating changes at most RatingChanges
// times.
func CanRate(status string, changes int) string {
	switch {
	case status != StatusDone:
		return ErrRatingNotHeld
	case changes >= RatingChanges:
		return ErrRatingChanged
	}
	return ""
}

// MeanRating is the mean of n ratings summing to total, and whether it
// may be shown (n ≥ MinRatings).
func MeanRating(n, total int) (float64, bool) {
	if n < MinRatings {
		return 0, false
	}
	return float64(total) / float64(n), true
}
