package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

func profileValues(hoursMon string) url.Values {
	return url.Values{"bio_vi": {"Chuyên gia dữ liệu"}, "bio_en": {"Data specialist"}, "pillar": {"data", "nope"}, "language": {"vi", "ko", "xx"},
		"online": {"1"}, "capacity": {"8"}, "slot": {"45"}, "buffer": {"10"}, "horizon": {"21"}, "notice": {"48"},
		"hours_1": {hoursMon}, "hours_3": {"8h-12h"}, "section": {"C", "ZZ"}}
}

// The advisor edits their own profile and hours; bad hours change nothing;
// another advisor cannot open it; the admin can.
func TestAdvisorEditsOwnProfile(t *testing.T) {
	e := newEnv(t)
	path := fmt.Sprintf("/advisors/%d/edit", e.fx.Advisor.ID)
	adv := e.client().login("advisor@test.local")
	must(t, adv.get(path), http.StatusOK, "Giờ làm việc hằng tuần", "08:00–11:45, 13:30–17:00", "Tiếng Hàn")
	before, _ := e.st.FindAdvisor(ctx, e.fx.Advisor.ID)

	must(t, adv.post(path, profileValues("08:00-12:00, 11:00-13:00")), http.StatusUnprocessableEntity,
		"Chưa lưu gì", "Hai khung giờ trong ngày này bị chồng lên nhau", "08:00-12:00, 11:00-13:00", "Chuyên gia dữ liệu")
	bad := profileValues("08:00-11:00")
	bad.Del("pillar")
	bad.Set("capacity", "0")
	bad.Del("online")
	must(t, adv.post(path, bad), http.StatusUnprocessableEntity, "Chọn ít nhất một trụ cột", "Nhập số nguyên trong khoảng", "Chọn trực tuyến")
	if now, _ := e.st.FindAdvisor(ctx, e.fx.Advisor.ID); now.WeeklyCapacity != before.WeeklyCapacity || len(now.Hours) != len(before.Hours) {
		t.Fatal("a refused form changed the profile")
	}

	must(t, adv.post(path, profileValues("13:30–17:00")), http.StatusSeeOther)
	got, _ := e.st.FindAdvisor(ctx, e.fx.Advisor.ID)
	want := []advisors.Hours{{Weekday: time.Monday, Start: 810, End: 1020}, {Weekday: time.Wednesday, Start: 480, End: 720}}
	if fmt.Sprint(got.Hours) != fmt.Sprint(want) || got.WeeklyCapacity != 8 || got.Rules.SlotMinutes != 45 || got.Rules.NoticeHours != 48 ||
		fmt.Sprint(got.Pillars) != "[data]" || fmt.Sprint(got.Languages) != "[vi ko]" || fmt.Sprint(got.Sections) != "[C]" || got.OnSite || !got.Online {
		t.Fatalf("saved: %+v", got)
	}
	must(t, adv.get(path), http.StatusOK, "Đã lưu hồ sơ", "13:30–17:00", "08:00–12:00")

	other := e.addAdvisor(t, "advisor2@test.local")
	must(t, e.client().login(other.Email).get(path), http.StatusForbidden)
	must(t, e.client().login(other.Email).post(path, profileValues("")), http.StatusForbidden)
	must(t, e.client().login("firm@test.local").get(path), http.StatusForbidden)
	must(t, e.client().login("admin@test.local").get(path), http.StatusOK, "Tạm dừng", "Chuyên gia")
}

// Leave closes whole local days; days with confirmed consultations and
// past days are refused; removing it reopens them.
func TestAdvisorLeave(t *testing.T) {
	e := newEnv(t)
	nine := nineOClock(t, e) // Tuesday 24 Nov
	adv := e.client().login("advisor@test.local")
	path := fmt.Sprintf("/advisors/%d/leave", e.fx.Advisor.ID)
	must(t, adv.post(path, url.Values{"from": {"2026-11-20"}, "to": {"2026-11-21"}}), http.StatusUnprocessableEntity, "ngày đã qua")
	must(t, adv.post(path, url.Values{"from": {"2026-12-02"}, "to": {"2026-12-01"}}), http.StatusUnprocessableEntity, "Ngày cuối phải")
	must(t, adv.post(path, url.Values{"from": {"hôm qua"}, "to": {"2026-12-01"}}), http.StatusUnprocessableEntity, "Chọn ngày")
	b := &store.Booking{AdvisorID: e.fx.Advisor.ID, FirmID: e.fx.GoDuc.ID, Period: advisors.Period{Start: nine.UTC(), End: nine.Add(time.Hour).UTC()},
		Mode: "online", Language: "vi", Pillars: []string{"data"}}
	if err := e.st.Book(ctx, b, advisors.VietnamHolidays(), nil); err != nil {
		t.Fatal(err)
	}
	must(t, adv.post(path, url.Values{"from": {"2026-11-24"}, "to": {"2026-11-24"}}), http.StatusConflict, "Bạn đã có lịch tư vấn")
	must(t, adv.post(path, url.Values{"from": {"2026-12-01"}, "to": {"2026-12-01"}, "note": {"Tập huấn"}}), http.StatusSeeOther)
	leave, _ := e.st.LeaveOf(ctx, e.fx.Advisor.ID, e.fx.Clock.Now())
	// 1 Dec 00:00 to 2 Dec 00:00 in Ho Chi Minh City.
	if len(leave) != 1 || !leave[0].Start.Equal(time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)) || !leave[0].End.Equal(time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)) {
		t.Fatalf("leave: %+v", leave)
	}
	sc, _ := e.st.Schedule(ctx, e.fx.AdvisorProfile, advisors.VietnamHolidays())
	for _, f := range sc.FreeSlots(e.fx.Clock.Now()) {
		if f.Start.In(advisors.Zone).Format(time.DateOnly) == "2026-12-01" {
			t.Fatalf("a slot on leave is offered: %v", f)
		}
	}
	must(t, adv.get(fmt.Sprintf("/advisors/%d/edit", e.fx.Advisor.ID)), http.StatusOK, "01/12/2026", "Tập huấn")
	other := e.addAdvisor(t, "advisor2@test.local")
	del := fmt.Sprintf("%s/%d/delete", path, leave[0].ID)
	must(t, e.client().login(other.Email).post(del, nil), http.StatusForbidden)
	must(t, adv.post(del, nil), http.StatusSeeOther)
	must(t, adv.post(del, nil), http.StatusNotFound)
}

// The admin adds an advisor, who can then sign in with the one-time
// password and be booked; disabling stops new bookings.
func TestAdminAddsAndDisablesAdvisors(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	must(t, admin.get("/admin/advisors"), http.StatusOK, e.fx.Advisor.Name, "Thêm chuyên gia")
	must(t, admin.post("/admin/advisors", url.Values{"name": {""}, "email": {"khong-hop-le"}}), http.StatusUnprocessableEntity, "Nhập họ tên")
	must(t, admin.post("/admin/advisors", url.Values{"name": {"Trùng"}, "email": {"advisor@test.local"}}), http.StatusConflict, "Đã có tài khoản")
	r := admin.post("/admin/advisors", url.Values{"name": {"Lê Văn Mới"}, "email": {"moi@test.local"}})
	must(t, r, http.StatusOK, "Đã tạo tài khoản chuyên gia moi@test.local", "Lê Văn Mới")
	u, err := e.st.FindUserByEmail(ctx, "moi@test.local")
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.st.FindAdvisor(ctx, u.ID)
	if err != nil || !a.Active || len(a.Hours) != 10 || a.Rules != advisors.DefaultRules() {
		t.Fatalf("new advisor: %+v %v", a, err)
	}
	i := strings.Index(r.body, "chỉ hiện một lần này: ")
	if i < 0 {
		t.Fatal("no password shown")
	}
	pw := r.body[i+len("chỉ hiện một lần này: "):][:19]
	newAdv := e.client().confirm("moi@test.local", pw)
	must(t, newAdv.post("/login", values("email", "moi@test.local", "password", pw)), http.StatusSeeOther)
	must(t, newAdv.get("/schedule"), http.StatusOK, "Lịch làm việc")

	must(t, admin.post(fmt.Sprintf("/admin/advisors/%d/active", u.ID), url.Values{"active": {"0"}}), http.StatusSeeOther)
	if a, _ := e.st.FindAdvisor(ctx, u.ID); a.Active {
		t.Fatal("still active")
	}
	must(t, e.client().login("firm@test.local").get(fmt.Sprintf("/advisors/%d", u.ID)), http.StatusOK, "không nhận lịch mới")
	must(t, admin.post(fmt.Sprintf("/admin/advisors/%d/active", u.ID), url.Values{"active": {"1"}}), http.StatusSeeOther)
	must(t, admin.post("/admin/advisors/999999/active", url.Values{"active": {"1"}}), http.StatusNotFound)
	for _, who := range []string{"advisor@test.local", "lead@test.local", "firm@test.local"} {
		c := e.client().login(who)
		must(t, c.get("/admin/advisors"), http.StatusForbidden)
		must(t, c.post("/admin/advisors", url.Values{"name": {"X"}, "email": {"x@test.local"}}), http.StatusForbidden)
	}
}

// addAdvisor adds a second advisor with the fixture password.
func (e *env) addAdvisor(t *testing.T, email string) *auth.User {
	t.Helper()
	u := &auth.User{Email: email, Name: "Chuyên gia thứ hai", Status: auth.StatusActive, Lang: "vi", PasswordHash: e.fx.FirmUser.PasswordHash,
		EmailVerified: true}
	a := &store.Advisor{Rules: advisors.DefaultRules(), Hours: storetest.WorkWeek()}
	a.Pillars, a.Languages, a.Online, a.WeeklyCapacity = []string{"strategy"}, []string{"vi"}, true, 5
	if err := e.st.CreateAdvisor(ctx, u, a); err != nil {
		t.Fatal(err)
	}
	return u
}
