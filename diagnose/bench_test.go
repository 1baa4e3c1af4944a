package diagnose

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/ci-doctor/ci-doctor/bench/loggen"
)

func genLog(b *testing.B, size int64, timestamps bool) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := loggen.Write(&buf, loggen.Options{Size: size, Timestamps: timestamps, Failure: loggen.DefaultFailure}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkDiagnose measures a whole diagnosis of generated logs with the
// built-in database: MB/s and allocations per log.
func BenchmarkDiagnose(b *testing.B) {
	m := builtinMatcher(b)
	for _, size := range []int64{4 << 20, 32 << 20} {
		for _, ts := range []bool{true, false} {
			log := genLog(b, size, ts)
			b.Run(fmt.Sprintf("%dMiB/timestamps=%v", size>>20, ts), func(b *testing.B) {
				b.SetBytes(int64(len(log)))
				b.ReportAllocs()
				for b.Loop() {
					r, err := m.Diagnose(bytes.NewReader(log), "bench.log")
					if err != nil || r.RootCause() == nil {
						b.Fatalf("%v %+v", err, r)
					}
				}
			})
		}
	}
}

// BenchmarkCompile measures loading and compiling the built-in database,
// which every diagnose run pays once.
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		builtinMatcher(b)
	}
}
