package rewrite

import (
	"reflect"
	"testing"
)

func TestParseDockerfile(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []From
	}{
		{"one stage", "FROM node:20\nRUN npm ci\n", []From{{Line: 1, Image: "node:20", Raw: "node:20"}}},
		{"stages, platform, case", "# syntax=docker/dockerfile:1\n" +
			"from --platform=$BUILDPLATFORM node:20-alpine as build\n" +
			"WORKDIR /app\n" +
			"FROM nginx:1.27 AS runtime\n" +
			"COPY --from=build /app/dist /usr/share/nginx/html\n",
			[]From{
				{Line: 2, Image: "node:20-alpine", Raw: "node:20-alpine", Stage: "build", Platform: "$BUILDPLATFORM"},
				{Line: 4, Image: "nginx:1.27", Raw: "nginx:1.27", Stage: "runtime"},
			}},
		{"ARG defaults before the first FROM", "ARG NODE_VERSION=20.11\nARG VARIANT=\"alpine\" REGISTRY\nARG UNSET\n" +
			"FROM node:${NODE_VERSION}-$VARIANT\n" +
			"ARG NODE_VERSION=18\n" +
			"FROM $REGISTRY/node:${NODE_VERSION}\n" +
			"FROM node:${UNSET:-22}-slim AS a\n" +
			"FROM node:${NODE_VERSION:+lts}\n",
			[]From{
				{Line: 4, Image: "node:20.11-alpine", Raw: "node:${NODE_VERSION}-$VARIANT"},
				{Line: 6, Image: "$REGISTRY/node:20.11", Raw: "$REGISTRY/node:${NODE_VERSION}"},
				{Line: 7, Image: "node:22-slim", Raw: "node:${UNSET:-22}-slim", Stage: "a"},
				{Line: 8, Image: "node:lts", Raw: "node:${NODE_VERSION:+lts}"},
			}},
		{"continuation lines and comments inside", "FROM \\\n  # the base\n\n  node:22 \\\n  AS base\nRUN echo \\\n FROM x\n",
			[]From{{Line: 1, Image: "node:22", Raw: "node:22", Stage: "base"}}},
		{"escape directive", "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 `\n  AS win\nRUN dir c:\\\n",
			[]From{{Line: 2, Image: "mcr.microsoft.com/windows/servercore:ltsc2022", Raw: "mcr.microsoft.com/windows/servercore:ltsc2022", Stage: "win"}}},
		{"comments are not directives after the first line", "# a comment\n# escape=`\nFROM a `\n", []From{{Line: 3, Image: "a", Raw: "a"}}},
		{"here-document bodies", "FROM a\nRUN <<EOF\nFROM not-this\nEOF\nCOPY <<-EOT /x\n\tFROM nor-this\n\tEOT\nFROM b\n",
			[]From{{Line: 1, Image: "a", Raw: "a"}, {Line: 8, Image: "b", Raw: "b"}}},
		{"CRLF", "FROM node:20\r\nFROM scratch\r\n", []From{{Line: 1, Image: "node:20", Raw: "node:20"}, {Line: 2, Image: "scratch", Raw: "scratch"}}},
		{"FROM without an image", "FROM\nFROM --platform=linux/amd64\n", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseDockerfile([]byte(tt.src)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseDockerfile\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestNodeMajor(t *testing.T) {
	tests := map[string]string{
		"node:20":                 "20",
		"node:20.11-alpine":       "20",
		"node:20.11.1-alpine3.19": "20",
		"docker.io/library/node:22-bookworm-slim":         "22",
		"node:18@sha256:0123456789abcdef":                 "18",
		"$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/node:20": "20",
		"cimg/node:20.11":                                 "20",
		"registry.example.com:5000/mirror/node:16":        "16",
		"node:iron":                      "20",
		"node:jod-alpine":                "22",
		"node:Hydrogen-slim":             "18",
		"node:lts":                       "",
		"node:lts-alpine":                "",
		"node:latest":                    "",
		"node:current":                   "",
		"node:alpine":                    "",
		"node":                           "",
		"node@sha256:0123456789abcdef":   "",
		"node:${NODE_VERSION}":           "",
		"registry.example.com:5000/node": "",
		"python:3.12":                    "",
		"nodejs/node:20":                 "20",
		"my-node:20":                     "",
	}
	for image, want := range tests {
		if got := NodeMajor(image); got != want {
			t.Errorf("NodeMajor(%q) = %q, want %q", image, got, want)
		}
	}
}
