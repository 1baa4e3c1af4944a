package rewrite

import "testing"

func TestUnwrappedAuth(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// kubernetes-sigs/kubespray .gitlab-ci/build.yml, the guide's line.
		{`echo "{\"auths\":{\"$CI_REGISTRY\":{\"auth\":\"$(echo -n ${CI_REGISTRY_USER}:${CI_REGISTRY_PASSWORD} | base64)\"}}}" > ~/.docker/config.json`,
			`echo "{\"auths\":{\"$CI_REGISTRY\":{\"auth\":\"$(echo -n ${CI_REGISTRY_USER}:${CI_REGISTRY_PASSWORD} | base64 | tr -d '\n')\"}}}" > ~/.docker/config.json`},
		// Two registries, one already unwrapped.
		{`echo "{\"auths\":{\"a\":{\"auth\":\"$(printf %s:%s $U $P | base64)\"},\"b\":{\"auth\":\"$(echo -n $V:$Q | base64 | tr -d '\n')\"}}}" > ~/.docker/config.json`,
			`echo "{\"auths\":{\"a\":{\"auth\":\"$(printf %s:%s $U $P | base64 | tr -d '\n')\"},\"b\":{\"auth\":\"$(echo -n $V:$Q | base64 | tr -d '\n')\"}}}" > ~/.docker/config.json`},
		{"echo \"{\\\"auths\\\":{\\\"r\\\":{\\\"auth\\\":\\\"`echo -n $U:$P | openssl base64`\\\"}}}\" > config.json",
			"echo \"{\\\"auths\\\":{\\\"r\\\":{\\\"auth\\\":\\\"`echo -n $U:$P | openssl base64 | tr -d '\\n'`\\\"}}}\" > config.json"},
		// Encoders that keep one line, and decoders.
		{`echo "{\"auths\":{\"r\":{\"auth\":\"$(echo -n $U:$P | base64 -w 0)\"}}}" > ~/.docker/config.json`, ""},
		{`echo "{\"auths\":{\"r\":{\"auth\":\"$(echo -n $U:$P | base64 --wrap=0)\"}}}" > ~/.docker/config.json`, ""},
		{`echo "{\"auths\":{\"r\":{\"auth\":\"$(echo -n $U:$P | openssl base64 -A)\"}}}" > ~/.docker/config.json`, ""},
		{`echo "$DOCKER_AUTH_CONFIG" | base64 -d > ~/.docker/config.json`, ""},
		// Not a Docker config.
		{`echo -n $U:$P | base64 > token.txt`, ""},
	} {
		got, changed := UnwrappedAuth(tc.in)
		if want := tc.want != ""; changed != want {
			t.Errorf("UnwrappedAuth(%s) changed = %v, want %v", tc.in, changed, want)
			continue
		}
		if changed && got != tc.want {
			t.Errorf("UnwrappedAuth(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
		if !changed && got != tc.in {
			t.Errorf("UnwrappedAuth(%s) changed the text without saying so: %s", tc.in, got)
		}
	}
}
