package store

import (
	"context"
	"database/sql"

	"dxready/firms"
)

// SyncReference makes the wards, parks and industries tables match ref:
// rows are inserted or updated, never deleted (firms may point at them).
func (s *Store) SyncReference(ctx context.Context, ref *firms.Reference) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, w := range ref.Wards {
			if _, err := tx.ExecContext(ctx, `INSERT INTO wards (code, kind, name, former_district_code, former_district_name)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, name = excluded.name,
				former_district_code = excluded.former_district_code, former_district_name = excluded.former_district_name`,
				w.Code, w.Kind, w.Name, w.FormerDistrictCode, w.FormerDistrictName); err != nil {
				return mapErr("sync ward "+w.Code, err)
			}
		}
		for _, p := range ref.Parks {
			if _, err := tx.ExecContext(ctx, `INSERT INTO parks (code, name, ward_code) VALUES (?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, ward_code = excluded.ward_code`,
				p.Code, p.Name, p.WardCode); err != nil {
				return mapErr("sync park "+p.Code, err)
			}
		}
		for _, i := range ref.Industries {
			if _, err := tx.ExecContext(ctx, `INSERT INTO industries (version, code, section, name_vi, name_en) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (version, code) DO UPDATE SET section = excluded.section, name_vi = excluded.name_vi, name_en = excluded.name_en`,
				i.Version, i.Code, i.Section, i.NameVI, i.NameEN); err != nil {
				return mapErr("sync industry "+i.Code, err)
			}
		}
		return nil
	})
}
