package redact

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkBytes masks a real diagnosis (`ci-doctor diagnose` on
// testdata/logs/registry-unauthorized--crane-export.log), which holds no
// secret but many near misses (CI_REGISTRY_PASSWORD, auth, login, URLs),
// and the same text with a few leaked secrets in it. "lines" calls Bytes
// once a line, as Writer does for the text renderer; "whole" once.
func BenchmarkBytes(b *testing.B) {
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
	for _, text := range []struct {
		name string
		b    []byte
	}{{"clean", clean}, {"secrets", leaky}} {
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
