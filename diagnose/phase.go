package diagnose

import "strings"

// Phase groups the runner's stages by whose problem a failure in them is.
type Phase string

// The phases of a job, in the order they run.
const (
	// PhaseUnknown: no section markers (a pasted excerpt) or outside any stage.
	PhaseUnknown Phase = ""
	// PhasePrepare covers preparing the executor and the environment:
	// failures here are the runner's or the image's, not the script's.
	PhasePrepare Phase = "prepare"
	// PhaseSources covers fetching the sources, cache and artifacts.
	PhaseSources Phase = "sources"
	// PhaseScript is the job's before_script and script.
	PhaseScript Phase = "script"
	// PhaseAfterScript is after_script, which cannot fail the job by itself.
	PhaseAfterScript Phase = "after_script"
	// PhaseUpload covers saving the cache, uploading artifacts and cleaning up.
	PhaseUpload Phase = "upload"
)

// PhaseOf classifies a runner stage (section) name.
func PhaseOf(section string) Phase {
	switch {
	case section == "":
		return PhaseUnknown
	case section == "prepare_executor" || section == "prepare_script" || section == "resolve_secrets":
		return PhasePrepare
	case section == "get_sources" || section == "clear_worktree" || section == "restore_cache" || section == "download_artifacts":
		return PhaseSources
	case section == "after_script":
		return PhaseAfterScript
	case strings.HasPrefix(section, "archive_cache") || strings.HasPrefix(section, "upload_artifacts") || section == "cleanup_file_variables":
		return PhaseUpload
	case section == "build_script" || strings.HasPrefix(section, "step_"):
		return PhaseScript
	default:
		// A section the user opened at the top level is part of the script.
		return PhaseScript
	}
}

// Describe says in words where in the job a phase is, and whose problem a
// failure there is.
func (p Phase) Describe() string {
	switch p {
	case PhasePrepare:
		return "before the script ran, while preparing the executor and its environment: a runner or image problem, not the script's"
	case PhaseSources:
		return "before the script ran, while fetching sources, cache or artifacts"
	case PhaseScript:
		return "in the job's script"
	case PhaseAfterScript:
		return "in after_script (which does not fail the job by itself)"
	case PhaseUpload:
		return "after the script, while saving cache or artifacts"
	default:
		return "phase unknown (no section markers in the log)"
	}
}

// post reports whether failures in the phase come after the job's outcome
// was decided, so they rank below everything else.
func (p Phase) post() bool { return p == PhaseAfterScript || p == PhaseUpload }
