package store

import (
	"context"
	"database/sql"
)

// FunnelExec runs statements in one write transaction of the store, as any
// writer's would run: the funnel's triggers and drain follow them.
func FunnelExec(s *Store, stmts ...string) error {
	return s.inTx(context.Background(), func(tx *sql.Tx) error {
		for _, q := range stmts {
			if _, err := tx.Exec(q); err != nil {
				return err
			}
		}
		return nil
	})
}
