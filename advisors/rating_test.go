package advisors

import (
	"strings"
	"testing"
)

func TestValidateRating(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rating  int
		comment string
		want    map[string]string
	}{
		{"lowest", 1, "", map[string]string{}},
		{"highest with comment", 5, "rất tốt", map[string]string{}},
		{"zero", 0, "", map[string]string{"rating": ErrRatingRange}},
		{"six", 6, "", map[string]string{"rating": ErrRatingRange}},
		{"negative", -3, "", map[string]string{"rating": ErrRatingRange}},
		{"comment at the limit", 3, strings.Repeat("ạ", RatingCommentMax), map[string]string{}},
		{"comment too long", 3, strings.Repeat("ạ", RatingCommentMax+1), map[string]string{"comment": ErrRatingComment}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ValidateRating(tc.rating, tc.comment)
			if len(got) != len(tc.want) || got["rating"] != tc.want["rating"] || got["comment"] != tc.want["comment"] {
				t.Fatalf("ValidateRating(%d) = %v, want %v", tc.rating, got, tc.want)
			}
		})
	}
}

func TestCanRate(t *testing.T) {
	for _, tc := range []struct {
		status  string
		changes int
		want    string
	}{
		{StatusDone, -1, ""},
		{StatusDone, 0, ""},
		{StatusDone, 1, ErrRatingChanged},
		{StatusConfirmed, -1, ErrRatingNotHeld},
		{StatusNoShow, -1, ErrRatingNotHeld},
		{StatusCancelled, -1, ErrRatingNotHeld},
	} {
		if got := CanRate(tc.status, tc.changes); got != tc.want {
			t.Errorf("CanRate(%s, %d) = %q, want %q", tc.status, tc.changes, got, tc.want)
		}
	}
}

func TestMeanRating(t *testing.T) {
	if _, ok := MeanRating(2, 10); ok {
		t.Fatal("a mean of two ratings is shown")
	}
	if m, ok := MeanRating(3, 11); !ok || m < 3.66 || m > 3.67 {
		t.Fatalf("MeanRating(3, 11) = %v, %v", m, ok)
	}
}
