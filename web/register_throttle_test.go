package web

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"dxready/store/storetest"
)

func registration(i int) url.Values {
	return url.Values{"tax_code": {string(storetest.TaxCodeFrom(370950000 + 20*i))}, "firm_name": {fmt.Sprintf("Công ty Hội thảo %d", i)},
		"name": {"Người đăng ký"}, "email": {fmt.Sprintf("reg%d@example.vn", i)}, "password": {"mật khẩu đủ dài"}, "password_confirm": {"mật khẩu đủ dài"}}
}

// A script registering account after account from one network is stopped
// after registerPerClient in an hour, mistakes included, with a page that
// says why; the whole workshop before it got through, other networks are
// not affected, and the limit lifts after the hour.
func TestRegistrationIsThrottledPerNetwork(t *testing.T) {
	e := newEnv(t, behindProxy)
	wifi := []string{"X-Forwarded-For", "2001:db8:a:b::1"}
	must(t, e.client().post("/register", url.Values{"email": {"not an email"}}, wifi...), http.StatusUnprocessableEntity)
	for i := 1; i < registerPerClient; i++ {
		xff := []string{"X-Forwarded-For", fmt.Sprintf("2001:db8:a:b::%x", i)} // the same /64
		must(t, e.client().post("/register", registration(i), xff...), http.StatusSeeOther)
	}
	r := e.client().post("/register", registration(100), wifi...)
	must(t, r, http.StatusTooManyRequests, "Đã có nhiều tài khoản được tạo từ mạng của bạn", "Chưa có gì được lưu")
	if _, err := e.st.FindUserByEmail(ctx, "reg100@example.vn"); err == nil {
		t.Error("the refused registration was saved")
	}
	must(t, e.client().post("/register", registration(101), "X-Forwarded-For", "2001:db8:a:c::1"), http.StatusSeeOther)
	e.fx.Clock.Add(time.Hour)
	must(t, e.client().post("/register", registration(102), wifi...), http.StatusSeeOther)
}

// A registration hashes only in a hasher slot that no sign-in being
// checked needs: alone, registrations use every slot (a burst of sign-ups
// no longer leaves a core idle); each sign-in being checked keeps a slot
// from them, so sign-ins never wait behind a burst.
func TestRegistrationHashesOnlyInASlotNoSignInNeeds(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		slots, active, signins int
		may                    bool
	}{
		{"no one else hashing", 2, 0, 0, true},
		{"a second registration beside the first", 2, 1, 0, true},
		{"both slots taken by registrations", 2, 2, 0, false},
		{"one sign-in, one slot free", 2, 0, 1, true},
		{"one sign-in and one registration", 2, 1, 1, false},
		{"two sign-ins take both slots", 2, 0, 2, false},
		{"more sign-ins than slots", 2, 0, 5, false},
		{"a hasher of one slot, idle", 1, 0, 0, true},
		{"a hasher of one slot, a sign-in", 1, 0, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := newRegisterThrottle(tc.slots)
			rt.active.Store(int64(tc.active))
			if got := rt.mayHash(int64(tc.signins)); got != tc.may {
				t.Fatalf("mayHash with %d slots, %d registrations and %d sign-ins = %v", tc.slots, tc.active, tc.signins, got)
			}
		})
	}
}
