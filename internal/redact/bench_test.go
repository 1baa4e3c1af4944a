package redact

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// benchText is a text the benchmarks mask.
type benchText struct {
	name string
	b    []byte
}

// benchTexts are a real diagnosis (`ci-doctor diagnose` on
// testdata/logs/registry-unauthorized--crane-export.log), which holds no
// secret but many near misses (CI_REGISTRY_PASSWORD, auth, login, URLs),
// and the same text with a few leaked secrets in it.
func benchTexts(b *testing.B) []benchText {
	clean, err := os.ReadFile("testdata/diagnosis.txt")
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.SplitAfter(clean, []byte("\n"))
	var leaky []byte
	for i, l := range lines {
		leaky = append(leaky, l...)
		if i%10 == 5 {
			leaky = append(leaky, corpus[i%len(corpus)].line+"\n"...)
		}
	}
	return []benchText{{"clean", clean}, {"secrets", leaky}}
}

// BenchmarkBytes masks the benchTexts: "lines" calls Bytes once a line, as
// Writer does for the text renderer; "whole" once.
func BenchmarkBytes(b *testing.B) {
	for _, text := range benchTexts(b) {
		split := bytes.SplitAfter(text.b, []byte("\n"))
		b.Run(text.name+"/whole", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text.b)))
			for b.Loop() {
				Bytes(text.b)
			}
		})
		b.Run(text.name+"/lines", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text.b)))
			for b.Loop() {
				for _, l := range split {
					Bytes(l)
				}
			}
		})
	}
}

// BenchmarkEncodeJSON encodes the benchTexts as the JSON renderers hold
// their texts: a string a line, and the whole in one string of many lines.
func BenchmarkEncodeJSON(b *testing.B) {
	for _, text := range benchTexts(b) {
		v := struct {
			Lines []string
			Whole string
		}{strings.SplitAfter(string(text.b), "\n"), string(text.b)}
		b.Run(text.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(2 * int64(len(text.b)))
			for b.Loop() {
				EncodeJSON(io.Discard, v)
			}
		})
	}
}
