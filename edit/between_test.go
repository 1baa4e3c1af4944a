package edit

import "testing"

func TestBetween(t *testing.T) {
	tests := []struct{ name, old, new string }{
		{"replace a line", "a\nb\nc\n", "a\nB\nc\n"},
		{"insert and delete", "a\nb\nc\nd\n", "a\nx\ny\nb\nd\n"},
		{"append", "a\n", "a\nb\n"},
		{"from empty", "", "a\nb\n"},
		{"to empty", "a\nb\n", ""},
		{"crlf kept", "a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"},
		{"no final newline", "a\nb", "a\nc"},
		{"same", "a\nb\n", "a\nb\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edits := Between("f", []byte(tt.old), []byte(tt.new))
			got, err := Apply([]byte(tt.old), edits)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.new {
				t.Errorf("Apply(old, Between(old, new)) = %q, want %q", got, tt.new)
			}
		})
	}
}
