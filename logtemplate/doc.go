// Package logtemplate turns error lines into templates, so that the same
// unrecognised error in many jobs can be counted once.
//
// Mask replaces the parts of one line that vary from job to job (times,
// numbers, hashes, paths, hosts, quoted names) with placeholders such as
// <NUM> and <PATH>. Cluster then merges the templates that still differ in
// a few tokens, in the manner of Drain (He, Zhu, Zheng and Lyu, "Drain: An
// Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017): templates
// of the same length and first token are compared position by position, and
// those similar enough become one template whose differing positions are
// <*>. ID names a template with a short stable id that a person can pass to
// `ci-doctor signatures new --from-report ID`.
package logtemplate
