package lint

import (
	"io"
	"unicode/utf8"

	"github.com/ci-doctor/ci-doctor/edit"
	"github.com/ci-doctor/ci-doctor/internal/redact"
)

// The SARIF 2.1.0 objects ci-doctor writes, with only the properties it
// fills; names follow the specification's.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
		// ColumnKind says how startColumn counts: ci-doctor's columns are
		// bytes, converted to code points to match.
		ColumnKind string `json:"columnKind"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Version        string      `json:"version,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		ShortDescription     sarifText          `json:"shortDescription"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	// sarifText stands for the objects that only hold a text here:
	// message, multiformatMessageString and artifactContent.
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID string `json:"ruleId"`
		// RuleIndex is nil for a rule Rules() does not list.
		RuleIndex           *int              `json:"ruleIndex,omitempty"`
		Level               string            `json:"level"`
		Message             sarifText         `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Fixes               []sarifFix        `json:"fixes,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           sarifRegion           `json:"region"`
	}
	sarifArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
		EndLine     int `json:"endLine,omitempty"`
		EndColumn   int `json:"endColumn,omitempty"`
	}
	sarifFix struct {
		ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
	}
	sarifArtifactChange struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Replacements     []sarifReplacement    `json:"replacements"`
	}
	sarifReplacement struct {
		DeletedRegion   sarifRegion `json:"deletedRegion"`
		InsertedContent *sarifText  `json:"insertedContent,omitempty"`
	}
)

const (
	sarifSchema         = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifFingerprintKey = "ciDoctor/v1"
	// srcRoot is the base the paths are relative to; GitHub and GitLab
	// resolve it to the repository's root.
	srcRoot = "%SRCROOT%"
)

// renderSARIF writes a SARIF 2.1.0 log with one run, describing every rule
// so that viewers can show the rule of each result.
func renderSARIF(w io.Writer, findings []Finding, version string) error {
	driver := sarifDriver{
		Name:           "ci-doctor",
		InformationURI: "https://github.com/ci-doctor/ci-doctor",
		Version:        version,
	}
	index := map[string]int{}
	for i, r := range Rules() {
		index[r.ID] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   r.ID,
			ShortDescription:     sarifText{Text: r.Summary},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(r.Severity())},
		})
	}
	fps := fingerprints(findings)
	results := make([]sarifResult, len(findings))
	for i, f := range findings {
		res := sarifResult{
			RuleID:  f.Rule,
			Level:   sarifLevel(f.Severity()),
			Message: sarifText{Text: f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: sarifArtifactLocation{URI: f.Path, URIBaseID: srcRoot},
				Region:           sarifRegion{StartLine: f.Line, StartColumn: codePointColumn(f.Source, f.Column)},
			}}},
			PartialFingerprints: map[string]string{sarifFingerprintKey: fps[i]},
		}
		if n, ok := index[f.Rule]; ok {
			res.RuleIndex = &n
		}
		if len(f.Edits) > 0 {
			res.Fixes = []sarifFix{{ArtifactChanges: sarifChanges(f.Edits)}}
		}
		results[i] = res
	}
	return redact.EncodeJSON(w, sarifLog{
		Schema:  sarifSchema,
		Version: "2.1.0",
		Runs:    []sarifRun{{Tool: sarifTool{Driver: driver}, Results: results, ColumnKind: "unicodeCodePoints"}},
	})
}

// sarifLevel maps a Code Quality severity to a SARIF level.
func sarifLevel(severity string) string {
	switch severity {
	case "critical", "blocker":
		return "error"
	case "minor", "info":
		return "note"
	}
	return "warning"
}

// codePointColumn converts a 1-based byte column of source to the 1-based
// code point column SARIF counts; it leaves a column outside source alone.
func codePointColumn(source string, col int) int {
	if col < 1 || col-1 > len(source) {
		return col
	}
	return utf8.RuneCountInString(source[:col-1]) + 1
}

// sarifChanges turns edits into one artifact change per file, in the order
// the files first appear. Regions are whole lines: from column 1 of the
// first line to column 1 of the line after the last, so they include the
// last line's newline and the inserted text ends with one. An absent
// endColumn would stop before that newline and leave an empty line.
func sarifChanges(edits []edit.Edit) []sarifArtifactChange {
	var changes []sarifArtifactChange
	byPath := map[string]int{}
	for _, e := range edits {
		i, ok := byPath[e.Path]
		if !ok {
			i = len(changes)
			byPath[e.Path] = i
			changes = append(changes, sarifArtifactChange{
				ArtifactLocation: sarifArtifactLocation{URI: e.Path, URIBaseID: srcRoot},
			})
		}
		r := sarifReplacement{DeletedRegion: sarifRegion{
			StartLine: e.Line, StartColumn: 1, EndLine: e.EndLine + 1, EndColumn: 1,
		}}
		if e.New != nil {
			r.InsertedContent = &sarifText{Text: *e.New + "\n"}
		}
		changes[i].Replacements = append(changes[i].Replacements, r)
	}
	return changes
}
