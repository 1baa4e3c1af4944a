package gitlabapi

import (
	"reflect"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		url   string
		known []string
		want  []Target
		err   bool
	}{
		{url: "https://gitlab.example.com/group/app/-/jobs/123", want: []Target{{Base: "https://gitlab.example.com", Project: "group/app", Kind: KindJob, ID: 123}}},
		{url: "https://gitlab.example.com/group/sub/deeper/app/-/jobs/7/raw", want: []Target{
			{Base: "https://gitlab.example.com", Project: "group/sub/deeper/app", Kind: KindJob, ID: 7},
			{Base: "https://gitlab.example.com/group", Project: "sub/deeper/app", Kind: KindJob, ID: 7},
			{Base: "https://gitlab.example.com/group/sub", Project: "deeper/app", Kind: KindJob, ID: 7},
		}},
		{url: "https://example.com/gitlab/group/app/-/pipelines/456", known: []string{"https://example.com/gitlab"}, want: []Target{{Base: "https://example.com/gitlab", Project: "group/app", Kind: KindPipeline, ID: 456}}},
		{url: "https://example.com/gitlab/group/app/-/merge_requests/9#note_1", known: []string{"https://other.example.com", "example.com/gitlab"}, want: []Target{
			{Base: "https://example.com/gitlab", Project: "group/app", Kind: KindMergeRequest, ID: 9},
		}},
		{url: "https://gitlab.com/group/app/jobs/5", want: []Target{{Base: "https://gitlab.com", Project: "group/app", Kind: KindJob, ID: 5}}},
		{url: "https://gitlab.com/group/app/-/jobs/5?x=1", want: []Target{{Base: "https://gitlab.com", Project: "group/app", Kind: KindJob, ID: 5}}},
		{url: "https://gitlab.com/app/-/jobs/5", err: true},
		{url: "https://gitlab.com/group/app/-/issues/5", err: true},
		{url: "ftp://gitlab.com/group/app/-/jobs/5", err: true},
		{url: "https://gitlab.com/group/app/-/jobs/99999999999999999999", err: true},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.url, tt.known...)
		if (err != nil) != tt.err {
			t.Errorf("ParseURL(%q) error = %v", tt.url, err)
			continue
		}
		if !tt.err && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseURL(%q) =\n%+v\nwant\n%+v", tt.url, got, tt.want)
		}
	}
}
