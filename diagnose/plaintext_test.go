package diagnose

import (
	"strings"
	"testing"
)

// TestPlainText puts back the ASCII of lines a blog engine retyped (round
// 13's excerpt from pmhahn.github.io keeps such quotes), a web page escaped
// or a rich-text editor spaced, and leaves other text alone.
func TestPlainText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{
			"typography",
			"error checking push permissions \u2014 make sure: checking push permission for \u201cregistry.example.com/app:1\u201d\u2026 it\u2019s denied\n",
			"error checking push permissions -- make sure: checking push permission for \"registry.example.com/app:1\"... it's denied\n",
		},
		{
			"html escapes",
			"Error response from daemon: Get &quot;https://registry.example.com/v2/&quot;: x509: a &amp; b &lt;c&gt; it&#39;s\n",
			"Error response from daemon: Get \"https://registry.example.com/v2/\": x509: a & b <c> it's\n",
		},
		{
			// github.com/eiuapp/gitlab-handbook, a rendered page's copy of coreutils' quotes
			"numeric references",
			"mkdir: cannot create directory &#x2018;/home/ubuntu/gitlabRunner/builds&#x2019;: Permission denied &#8212; &#34;x&#34; &#x27;y&#39; &#160;&#233; &#x2018\n",
			"mkdir: cannot create directory '/home/ubuntu/gitlabRunner/builds': Permission denied -- \"x\" 'y'  &#233; &#x2018\n",
		},
		{"no-break spaces", "no\u00a0space\u00a0left\u00a0on\u00a0device\n", "no space left on device\n"},
		{"other text stays", "\u00e9t\u00e9 \u2192 ok &nbsp; R&D\n", "\u00e9t\u00e9 \u2192 ok &nbsp; R&D\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed := plainText([]byte(tt.in))
			if string(got) != tt.want || changed != (tt.in != tt.want) {
				t.Errorf("plainText = %q, %v; want %q", got, changed, tt.want)
			}
			if strings.Count(string(got), "\n") != strings.Count(tt.in, "\n") {
				t.Error("lines moved")
			}
		})
	}
}
