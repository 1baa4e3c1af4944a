package store

import (
	"fmt"
	"time"
)

// storedTime is t as both backends store it: UTC, to the microsecond.
func storedTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// timeColumn scans a stored time from either backend: PostgreSQL hands back a
// time.Time, SQLite the text sqliteTimeLayout wrote.
type timeColumn struct{ t *time.Time }

// Scan implements sql.Scanner.
func (c timeColumn) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("stored time has unexpected type %T", v)
	}
	return nil
}

// parse reads SQLite's time text.
func (c timeColumn) parse(s string) error {
	t, err := time.Parse(sqliteTimeLayout, s)
	if err != nil {
		return fmt.Errorf("stored time %q is not %s", s, sqliteTimeLayout)
	}
	*c.t = t
	return nil
}
