package store

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEmbeddedMigrations(t *testing.T) {
	list, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 || list[0].name != "init" {
		t.Fatalf("embedded migrations: %+v, want 0001_init first", list)
	}
}

func TestLoadMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    string // "version name sqlite-sql postgres-sql" per migration
		wantErr string
	}{
		{
			name: "shared and split",
			files: fstest.MapFS{
				"m/0001_init.sqlite.sql":   file("S1"),
				"m/0001_init.postgres.sql": file("P1"),
				"m/0002_queue.sql":         file("B2"),
			},
			want: "1 init S1 P1\n2 queue B2 B2",
		},
		{
			name:    "gap",
			files:   fstest.MapFS{"m/0001_a.sql": file("x"), "m/0003_c.sql": file("x")},
			wantErr: "0003_c.sql: version 3, want 2",
		},
		{
			name:    "missing backend",
			files:   fstest.MapFS{"m/0001_a.sqlite.sql": file("x")},
			wantErr: "0001_a has no SQL for postgres",
		},
		{
			name:    "shared and split at once",
			files:   fstest.MapFS{"m/0001_a.sql": file("x"), "m/0001_a.sqlite.sql": file("x")},
			wantErr: "two SQL files for sqlite",
		},
		{
			name:    "two names for one version",
			files:   fstest.MapFS{"m/0001_a.sqlite.sql": file("x"), "m/0001_b.postgres.sql": file("x")},
			wantErr: `version 1 is already named "a"`,
		},
		{
			name:    "bad name",
			files:   fstest.MapFS{"m/1_init.sql": file("x")},
			wantErr: "1_init.sql: name is not NNNN_name",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := loadMigrations(tt.files, "m")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range list {
				got = append(got, strings.Join([]string{strconv.Itoa(m.version), m.name, m.sql[backendSQLite], m.sql[backendPostgres]}, " "))
			}
			if strings.Join(got, "\n") != tt.want {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}
