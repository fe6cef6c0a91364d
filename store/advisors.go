package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"dxready/advisors"
	"dxready/auth"
)

// Advisor is a Center advisor's profile, rules and weekly hours.
type Advisor struct {
	advisors.Profile // ID is the advisor's user ID
	Email            string
	BioVI, BioEN     string
	MeetingURL       string // the link of the advisor's online consultations; "" none
	Rules            advisors.Rules
	Hours            []advisors.Hours
	UpdatedAt        time.Time
}

const advisorCols = `a.user_id, u.name, u.email, a.bio_vi, a.bio_en, a.pillars, a.sections, a.associations, a.languages, a.wards,
	a.online, a.onsite, a.weekly_capacity, a.slot_minutes, a.buffer_minutes, a.horizon_days, a.notice_hours,
	a.active AND u.status = 'active', a.updated_at, a.meeting_url`

func scanAdvisor(sc scanner) (*Advisor, error) {
	var a Advisor
	var pillars, sections, assocs, langs, wards string
	if err := sc.Scan(&a.ID, &a.Name, &a.Email, &a.BioVI, &a.BioEN, &pillars, &sections, &assocs, &langs, &wards,
		&a.Online, &a.OnSite, &a.WeeklyCapacity, &a.Rules.SlotMinutes, &a.Rules.BufferMinutes, &a.Rules.HorizonDays,
		&a.Rules.NoticeHours, &a.Active, &a.UpdatedAt, &a.MeetingURL); err != nil {
		return nil, err
	}
	for _, l := range []struct {
		text string
		into any
	}{{pillars, &a.Pillars}, {sections, &a.Sections}, {assocs, &a.Associations}, {langs, &a.Languages}, {wards, &a.Wards}} {
		if err := json.Unmarshal([]byte(l.text), l.into); err != nil {
			return nil, fmt.Errorf("store: advisor %d: %w", a.ID, err)
		}
	}
	return &a, nil
}

func jsonList(v any) string {
	b, _ := json.Marshal(v)
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// StarterAdvisor is the profile a new advisor account starts with until
// the advisor completes it: Vietnamese, online, the Center's default
// rules, weekdays 08:00–11:45 and 13:30–17:00 (migration 0005 gives the
// same to older accounts).
func StarterAdvisor(id int64) *Advisor {
	a := &Advisor{Rules: advisors.DefaultRules()}
	a.ID, a.Languages, a.Online, a.WeeklyCapacity, a.Active = id, []string{"vi"}, true, 10, true
	for d := time.Monday; d <= time.Friday; d++ {
		a.Hours = append(a.Hours, advisors.Hours{Weekday: d, Start: 8 * 60, End: 11*60 + 45}, advisors.Hours{Weekday: d, Start: 13*60 + 30, End: 17 * 60})
	}
	return a
}

// CreateAdvisor creates the advisor's account (role advisor) and profile
// in one transaction, with the audit entries given (an entry without a
// subject gets advisor:ID); a taken email is ErrConflict.
func (s *Store) CreateAdvisor(ctx context.Context, u *auth.User, a *Advisor, audit ...AuditEntry) error {
	return s.CreateAdvisorAccount(ctx, u, a, nil, audit...)
}

// CreateAdvisorAccount is CreateAdvisor that also stores and queues the
// account's verification link v (nil: none) in the same transaction.
func (s *Store) CreateAdvisorAccount(ctx context.Context, u *auth.User, a *Advisor, v *Link, audit ...AuditEntry) error {
	u.Role = auth.RoleAdvisor
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		if err := createUser(ctx, tx, u, now, v); err != nil {
			return err
		}
		a.ID, a.Name, a.Email = u.ID, u.Name, u.Email
		if _, err := tx.ExecContext(ctx, `INSERT INTO advisors (user_id, updated_at) VALUES (?, ?)`, u.ID, now); err != nil {
			return mapErr("create advisor", err)
		}
		if err := saveAdvisor(ctx, tx, a, now); err != nil {
			return err
		}
		for i := range audit {
			if audit[i].Subject == "" {
				audit[i].Subject = fmt.Sprintf("advisor:%d", u.ID)
			}
		}
		return writeAudit(ctx, tx, now, audit)
	})
}

// AddAdvisorProfile makes the existing advisor account a.ID bookable
// with a's profile; ErrConflict when it already has one.
func (s *Store) AddAdvisorProfile(ctx context.Context, a *Advisor) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO advisors (user_id, updated_at)
			SELECT id, ? FROM users WHERE id = ? AND role = 'advisor'`, now, a.ID); err != nil {
			return mapErr("advisor profile", err)
		}
		return saveAdvisor(ctx, tx, a, now)
	})
}

// UpdateAdvisor saves a's profile, rules and hours (replacing the hours),
// with the audit entries given. A changed meeting link is news for every
// booking that follows it (relinkUpcoming).
func (s *Store) UpdateAdvisor(ctx context.Context, a *Advisor, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var before string
		if err := tx.QueryRowContext(ctx, "SELECT meeting_url FROM advisors WHERE user_id = ?", a.ID).Scan(&before); err != nil {
			return mapErr("advisor", err)
		}
		if err := saveAdvisor(ctx, tx, a, now); err != nil {
			return err
		}
		if before != a.MeetingURL {
			if err := relinkUpcoming(ctx, tx, a, now, audit); err != nil {
				return err
			}
		}
		return writeAudit(ctx, tx, now, audit)
	})
}

func saveAdvisor(ctx context.Context, tx *sql.Tx, a *Advisor, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE advisors SET bio_vi = ?, bio_en = ?, pillars = ?, sections = ?, associations = ?,
		languages = ?, wards = ?, online = ?, onsite = ?, weekly_capacity = ?, slot_minutes = ?, buffer_minutes = ?,
		horizon_days = ?, notice_hours = ?, meeting_url = ?, updated_at = ? WHERE user_id = ?`,
		a.BioVI, a.BioEN, jsonList(a.Pillars), jsonList(a.Sections), jsonList(a.Associations), jsonList(a.Languages),
		jsonList(a.Wards), a.Online, a.OnSite, a.WeeklyCapacity, a.Rules.SlotMinutes, a.Rules.BufferMinutes,
		a.Rules.HorizonDays, a.Rules.NoticeHours, a.MeetingURL, now, a.ID)
	if err != nil {
		return mapErr("save advisor", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: advisor %d: %w", a.ID, ErrNotFound)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM advisor_hours WHERE advisor_id = ?", a.ID); err != nil {
		return err
	}
	for _, h := range a.Hours {
		if _, err := tx.ExecContext(ctx, "INSERT INTO advisor_hours (advisor_id, weekday, start_min, end_min) VALUES (?, ?, ?, ?)",
			a.ID, int(h.Weekday), h.Start, h.End); err != nil {
			return mapErr("save hours", err)
		}
	}
	a.UpdatedAt = now
	return nil
}

// SetAdvisorActive enables or disables an advisor for new bookings, with
// the audit entries given. Bookings already made stay.
func (s *Store) SetAdvisorActive(ctx context.Context, id int64, active bool, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, "UPDATE advisors SET active = ?, updated_at = ? WHERE user_id = ?", active, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: advisor %d: %w", id, ErrNotFound)
		}
		return writeAudit(ctx, tx, now, audit)
	})
}

// Advisors returns every advisor with their hours, by name.
func (s *Store) Advisors(ctx context.Context) ([]*Advisor, error) {
	return advisorsWhere(ctx, s.r, "1 = 1")
}

// FindAdvisor returns one advisor with their hours, or ErrNotFound.
func (s *Store) FindAdvisor(ctx context.Context, id int64) (*Advisor, error) {
	as, err := advisorsWhere(ctx, s.r, "a.user_id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, fmt.Errorf("store: advisor %d: %w", id, ErrNotFound)
	}
	return as[0], nil
}

func advisorsWhere(ctx context.Context, q querier, where string, args ...any) ([]*Advisor, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+advisorCols+" FROM advisors a JOIN users u ON u.id = a.user_id WHERE "+where+
		" ORDER BY u.name, a.user_id", args...)
	if err != nil {
		return nil, mapErr("advisors", err)
	}
	var out []*Advisor
	byID := map[int64]*Advisor{}
	for rows.Next() {
		a, err := scanAdvisor(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
		byID[a.ID] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	hrows, err := q.QueryContext(ctx, "SELECT advisor_id, weekday, start_min, end_min FROM advisor_hours ORDER BY advisor_id, weekday, start_min")
	if err != nil {
		return nil, mapErr("advisor hours", err)
	}
	defer hrows.Close()
	for hrows.Next() {
		var id int64
		var h advisors.Hours
		if err := hrows.Scan(&id, &h.Weekday, &h.Start, &h.End); err != nil {
			return nil, err
		}
		if a := byID[id]; a != nil {
			a.Hours = append(a.Hours, h)
		}
	}
	return out, hrows.Err()
}

// AddLeave records an absence of the advisor.
func (s *Store) AddLeave(ctx context.Context, advisorID int64, p advisors.Period, note string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO advisor_leave (advisor_id, start_at, end_at, note) VALUES (?, ?, ?, ?)",
			advisorID, p.Start.Unix(), p.End.Unix(), note)
		return mapErr("add leave", err)
	})
}

// Leave is one recorded absence.
type Leave struct {
	ID int64
	advisors.Period
	Note string
}

// LeaveOf returns the advisor's absences that end after from.
func (s *Store) LeaveOf(ctx context.Context, advisorID int64, from time.Time) ([]Leave, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, start_at, end_at, note FROM advisor_leave WHERE advisor_id = ? AND end_at > ? ORDER BY start_at",
		advisorID, from.Unix())
	if err != nil {
		return nil, mapErr("leave", err)
	}
	defer rows.Close()
	var out []Leave
	for rows.Next() {
		var l Leave
		var st, en int64
		if err := rows.Scan(&l.ID, &st, &en, &l.Note); err != nil {
			return nil, err
		}
		l.Start, l.End = time.Unix(st, 0).UTC(), time.Unix(en, 0).UTC()
		out = append(out, l)
	}
	return out, rows.Err()
}

// DeleteLeave removes one of the advisor's absences.
func (s *Store) DeleteLeave(ctx context.Context, advisorID, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM advisor_leave WHERE id = ? AND advisor_id = ?", id, advisorID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}
