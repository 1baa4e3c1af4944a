package diagnose

import "testing"

func TestDropPageLinks(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// real excerpts (testdata/logs/real and holdout)
		{"Cannot connect to the Docker daemon at unix:///run/user/[10](https://gitlab.com/rhcontainerbot/pkg-builder/-/jobs/3104542584#L10)00/podman/podman.sock",
			"Cannot connect to the Docker daemon at unix:///run/user/1000/podman/podman.sock"},
		{"runner-csrvkpu-project-2[9](https://gitlab.com/xxxxxx/xxxxx/-/jobs/xxxxxxxxxx#L9)177080-concurrent-0",
			"runner-csrvkpu-project-29177080-concurrent-0"},
		{"sha256:7c1[3](https://gitlab.domain.com/g/p/-/jobs/13#L3)f6c[4](https://gitlab.domain.com/g/p/-/jobs/13#L4)2",
			"sha256:7c13f6c42"},
		// GitHub Actions' page (testdata/logs/holdout, round 50)
		{"unexpected status: [50](https://git.i.mercedes-benz.com/WLTP-Frontend/api-gateway/runs/1752287?check_suite_focus=true#step:3:50)3 Service Unavailable",
			"unexpected status: 503 Service Unavailable"},
		{`Head "https://ghcr.io/v[2](https://github.com/NREL/EnergyPlus/actions/runs/4427506300/jobs/7765193171#step:3:2)/jidicula/clang-format/manifests/10"`,
			`Head "https://ghcr.io/v2/jidicula/clang-format/manifests/10"`},
		// Gitea Actions' page (testdata/logs/holdout, round 16)
		{"ghcr.io/catthehacker/ubuntu:act-22.0[4](https://x.y.ca/boredenchilada/AL4-Strings/actions/runs/2#jobstep-0-4) platform=",
			"ghcr.io/catthehacker/ubuntu:act-22.04 platform="},
		// a URL linked to itself by the reporter's editor (testdata/logs/holdout, round 110)
		{`✘ server Error Head "[https://ghcr.io/v2/rit-services/spirex-server/manifests/latest](https://ghcr.io/v2/rit-services/spirex-server/manifests/latest)": unauthorized`,
			`✘ server Error Head "https://ghcr.io/v2/rit-services/spirex-server/manifests/latest": unauthorized`},
		// the same, its target percent-encoded where the reporter masked the host (round 209)
		{`Get "[https://<ACCOUNT>.dkr.ecr.***.amazonaws.com/v2/](https://<ACCOUNT>.dkr.ecr.%2A%2A%2A.amazonaws.com/v2/)": net/http: request canceled`,
			`Get "https://<ACCOUNT>.dkr.ecr.***.amazonaws.com/v2/": net/http: request canceled`},
		// the same, the URL ending in an escaped JSON string's backslash, a slash in the target (round 220)
		{`{"message":"Get \"[https://registry-1.docker.io/v2/testcontainers/ryuk/manifests/sha256:53\](https://registry-1.docker.io/v2/testcontainers/ryuk/manifests/sha256:53/)": read tcp`,
			`{"message":"Get \"https://registry-1.docker.io/v2/testcontainers/ryuk/manifests/sha256:53\": read tcp`},
		{"[https://a.example/x\\](https://a.example/y/)", "[https://a.example/x\\](https://a.example/y/)"},
		{"see [https://a.example/w_(x)](https://a.example/w_(x)) here", "see https://a.example/w_(x) here"},
		{"[https://a.example/x y](https://a.example/x%20y)", "[https://a.example/x y](https://a.example/x%20y)"},
		{"[https://a.example/x](https://a.example/%zz)", "[https://a.example/x](https://a.example/%zz)"},
		// left alone: a Markdown link of the text itself, no line anchor, no digits,
		// a URL linked to another one, a link without its closing parenthesis
		{"[https://a.example/x](https://b.example/x)", "[https://a.example/x](https://b.example/x)"},
		{"[https://a.example/x](https://a.example/x", "[https://a.example/x](https://a.example/x"},
		{"[https://a.example/x](https://a.example/xy)", "[https://a.example/x](https://a.example/xy)"},
		{"see [the docs](https://docs.gitlab.com/ci/#L1)", "see [the docs](https://docs.gitlab.com/ci/#L1)"},
		{"[12](https://example.com/a#top) x", "[12](https://example.com/a#top) x"},
		{"[12](https://example.com/a#L12", "[12](https://example.com/a#L12"},
		{"no links #L here", "no links #L here"},
		{"[3](https://example.com/a#step:3)", "[3](https://example.com/a#step:3)"},
		{"[3](https://example.com/a#step:x:3)", "[3](https://example.com/a#step:x:3)"},
	} {
		b := []byte(c.in)
		if got := string(dropPageLinks(b)); got != c.want {
			t.Errorf("dropPageLinks(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestPageLinkSplitsLiteral checks that a line whose only literal a page
// link splits is still read: the raw line does not hold the literal, the
// normalised one does (semgrep's "exit status [12](...)8.", round 213).
func TestPageLinkSplitsLiteral(t *testing.T) {
	m := matcher(t, `id: fetch
title: Fetch
priority: 80
patterns: ['returned non-zero exit status 128\b']
fix: f`)
	rep := diagnoseString(t, m, "Command '['git', 'fetch']' returned non-zero exit status [12](https://github.com/o/r/runs/1?check_suite_focus=true#step:4:13)8.\n")
	if len(rep.Findings) != 1 || rep.Findings[0].ID != "fetch" {
		t.Errorf("findings %+v, want fetch", rep.Findings)
	}
}
