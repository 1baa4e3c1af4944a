package edit

import (
	"encoding/json"
	"testing"
)

// TestEditJSON pins the JSON form other tools read and write.
func TestEditJSON(t *testing.T) {
	tests := []struct {
		edit Edit
		want string
	}{
		{Replace(f, 2, 3, "a\nb", "c"), `{"path":"ci.yml","line":2,"end_line":3,"old":"a\nb","new":"c"}`},
		{Delete(f, 2, 2, "a"), `{"path":"ci.yml","line":2,"end_line":2,"old":"a","new":null}`},
		{Insert(f, 4, "x"), `{"path":"ci.yml","line":4,"end_line":3,"old":null,"new":"x"}`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.edit)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
		var back Edit
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		if again, _ := json.Marshal(back); string(again) != tt.want {
			t.Errorf("round trip gives %s, want %s", again, tt.want)
		}
	}
}
