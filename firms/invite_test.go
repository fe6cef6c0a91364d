package firms

import (
	"testing"
	"time"
)

// Every reason not to invite, and the member that is invited.
func TestInviteDecision(t *testing.T) {
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	ok := Invitee{Member: true, Address: "a@example.vn"}
	for name, c := range map[string]struct {
		change func(*Invitee)
		want   InviteSkip
	}{
		"invited":                {func(*Invitee) {}, ""},
		"forged id":              {func(i *Invitee) { i.Member = false }, SkipNotMember},
		"has an account":         {func(i *Invitee) { i.Registered = true }, SkipRegistered},
		"has a result":           {func(i *Invitee) { i.Assessed = true }, SkipAssessed},
		"erased its contact":     {func(i *Invitee) { i.OptedOut = true }, SkipOptedOut},
		"invited yesterday":      {func(i *Invitee) { i.LastInvited = now.Add(-24 * time.Hour) }, SkipRecent},
		"invited 29 days ago":    {func(i *Invitee) { i.LastInvited = now.Add(-29 * 24 * time.Hour) }, SkipRecent},
		"invited 30 days ago":    {func(i *Invitee) { i.LastInvited = now.Add(-InviteAgainAfter) }, ""},
		"no address":             {func(i *Invitee) { i.Address = "" }, SkipNoAddress},
		"erased and no address":  {func(i *Invitee) { i.OptedOut, i.Address = true, "" }, SkipOptedOut},
		"registered, not member": {func(i *Invitee) { i.Registered, i.Member = true, false }, SkipNotMember},
	} {
		i := ok
		c.change(&i)
		if got := InviteDecision(i, now); got != c.want {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}
