// Package diagnose reads a GitLab CI job log and says why the job failed.
//
// A log travels one road: the scanner reads it in large chunks and lets a
// multi-literal filter (a sampled q-gram filter over the literals of every
// signature, see literalSet) pick the few lines worth a closer look; the
// normaliser turns each of those into the text a person sees (no timestamp
// prefix, colours, section markers or progress overwrites) and tracks the
// job's sections; the
// matcher confirms the signatures' regular expressions and windows on them;
// the ranker picks one root cause; the renderers print the Report. Memory
// stays constant whatever the size of the log: only the current chunk, the
// findings and a short tail are kept.
//
// The package takes an io.Reader and returns plain data. It knows nothing of
// the command line or of the GitLab API.
package diagnose
