package rewrite

import (
	"path"
	"strconv"
	"strings"
	"sync"
)

// runFlags are docker run's and docker create's flags.
var runFlags = sync.OnceValue(func() flagSpec {
	return newSpec(
		"a,attach=", "add-host=", "annotation=", "blkio-weight=", "blkio-weight-device=", "cap-add=", "cap-drop=",
		"cgroup-parent=", "cgroupns=", "cidfile=", "cpu-period=", "cpu-quota=", "cpu-rt-period=", "cpu-rt-runtime=",
		"c,cpu-shares=", "cpus=", "cpuset-cpus=", "cpuset-mems=", "detach-keys=", "device=", "device-cgroup-rule=",
		"device-read-bps=", "device-read-iops=", "device-write-bps=", "device-write-iops=", "dns=", "dns-option=",
		"dns-search=", "domainname=", "entrypoint=", "e,env=", "env-file=", "expose=", "gpus=", "group-add=",
		"health-cmd=", "health-interval=", "health-retries=", "health-start-period=", "health-timeout=",
		"h,hostname=", "ip=", "ip6=", "ipc=", "isolation=", "kernel-memory=", "l,label=", "label-file=", "link=",
		"link-local-ip=", "log-driver=", "log-opt=", "mac-address=", "m,memory=", "memory-reservation=",
		"memory-swap=", "memory-swappiness=", "mount=", "name=", "net,network=", "network-alias=", "oom-score-adj=",
		"pid=", "pids-limit=", "platform=", "p,publish=", "pull=", "restart=", "runtime=", "security-opt=",
		"shm-size=", "stop-signal=", "stop-timeout=", "storage-opt=", "sysctl=", "tmpfs=", "ulimit=", "u,user=",
		"userns=", "uts=", "v,volume=", "volume-driver=", "volumes-from=", "w,workdir=",
		"d,detach", "i,interactive", "t,tty", "rm", "init", "privileged", "P,publish-all", "read-only", "q,quiet",
		"no-healthcheck", "oom-kill-disable", "sig-proxy", "disable-content-trust", "use-api-socket")
})

// containerArgs reads docker run's or docker create's arguments: its
// flags, the image (shell text) and the command words after it.
func containerArgs(args []Word) ([]flag, string, []Word, bool) {
	flags, ops, err := parseFlags(args, runFlags(), false)
	if err != nil || len(ops) == 0 {
		return nil, "", nil, false
	}
	return flags, ops[0].Raw, ops[1:], true
}

// Image returns the image that a docker run or docker create starts, as
// shell text, or "".
func (d DockerCmd) Image() string {
	if d.Sub != "run" && d.Sub != "create" {
		return ""
	}
	_, image, _, _ := containerArgs(d.Args)
	return image
}

// created returns the names by which later commands find the container
// of a docker create (--name N, and "$ID" for ID=$(docker create ...))
// and its image, as shell text.
func created(cmd DockerCmd) []Container {
	flags, image, _, ok := containerArgs(cmd.Args)
	if cmd.Sub != "create" || !ok {
		return nil
	}
	var out []Container
	for _, f := range flags {
		if f.Name == "name" {
			out = append(out, Container{Name: f.Raw, Image: image})
		}
	}
	if cmd.Var != "" {
		out = append(out, Container{Name: "$" + cmd.Var, Image: image})
	}
	return out
}

// rewriteCreate: crane export reads the image itself, so the container
// that docker cp needed is not made any more.
func rewriteCreate(cmd DockerCmd) Result {
	_, image, _, ok := containerArgs(cmd.Args)
	if !ok {
		return Result{Action: Manual, Note: "docker create IMAGE was expected"}
	}
	return Result{Action: Delete, Note: "crane export reads " + tidy(image) + " from the registry: no container is needed"}
}

// rewriteCp turns docker cp CONTAINER:SRC DEST, for a container made by
// docker create, into crane export IMAGE - | tar, which reads the image's
// files from the registry. tar puts SRC where docker cp would: into DEST
// when DEST is a directory (".", "dir/"), as DEST otherwise; a file
// (a name with an extension) is written with tar -O.
func rewriteCp(cmd DockerCmd, ctx Context) Result {
	_, ops, err := parseFlags(cmd.Args, newSpec("a,archive", "L,follow-link", "q,quiet"), true)
	if err != nil || len(ops) != 2 {
		return Result{Action: Manual, Note: "docker cp SRC DEST was expected"}
	}
	name, src, ok := cutByte(ops[0].Value, ':')
	if !ok || name == "" || strings.Contains(name, "/") {
		return Result{Action: Manual, Note: "docker cp into a container: there are no containers without a daemon; put the files in the image (COPY in the Dockerfile) or use them in the job"}
	}
	image := ""
	for _, c := range ctx.Containers {
		if key(c.Name) == RefKey(name) {
			image = c.Image
		}
	}
	if image == "" {
		return Result{Action: Manual, Note: "cannot tell which image container " + name + " comes from: only a docker create in this job says so " +
			"(a container that ran a command holds its output, which the job now has in its own files)"}
	}
	line, note := exportLine(tidy(image), src, ops[1].Value, ops[1].Raw)
	return Result{Action: Replace, Lines: []string{line}, Tool: ToolCrane, Note: note}
}

// exportLine writes the crane export command that puts the image's src
// where docker cp would put it at dest (value and shell text).
func exportLine(image, src, dest, destRaw string) (string, string) {
	export := "crane export " + image + " - | tar -xf - -C "
	contents := strings.HasSuffix(src, "/.")
	member := strings.TrimPrefix(path.Clean("/"+src), "/")
	if member == "" {
		return "mkdir -p " + destRaw + " && " + export + destRaw, ""
	}
	n := strings.Count(member, "/") + 1
	strip := func(k int) string {
		if k == 0 {
			return ""
		}
		return " --strip-components=" + strconv.Itoa(k)
	}
	m := shellQuote(member)
	switch {
	case path.Clean(dest) == "/"+member:
		return export + "/ " + m, "" // the guide's form: the files stay where they were
	case contents:
		return "mkdir -p " + destRaw + " && " + export + destRaw + strip(n) + " " + m, ""
	case dest == "." || dest == ".." || strings.HasSuffix(dest, "/") || strings.HasSuffix(dest, "/."):
		return export + destRaw + strip(n-1) + " " + m, ""
	case fileName(member):
		return "crane export " + image + " - | tar -xOf - " + m + " > " + destRaw,
			"assumed " + member + " is a file (it has an extension); if it is a directory, extract it with tar -C"
	}
	return "mkdir -p " + destRaw + " && " + export + destRaw + strip(n) + " " + m,
		"assumed " + member + " is a directory; if it is a file, extract it with tar -xOf - " + m + " > " + destRaw
}

// fileName reports whether the last element of p looks like a file name:
// it has an extension (package.json, report.xml).
func fileName(p string) bool {
	b := path.Base(p)
	i := strings.LastIndexByte(b, '.')
	return i > 0 && i < len(b)-1
}

// rewriteRun turns docker run IMAGE CMD into "run CMD with IMAGE as the
// job's image". What docker run did around the command is kept when the
// shell can do it: -e K=V becomes a K=V prefix, --entrypoint E runs E
// (--entrypoint "" runs the command as given), -w becomes cd (none when -w
// is the directory where the project is mounted: the job already runs in
// its checkout). The rest is said in the note. A command whose quoted
// string goes on over lines of the script is left to a person, who sees
// it whole.
func rewriteRun(cmd DockerCmd, ctx Context) Result {
	flags, image, args, ok := containerArgs(cmd.Args)
	if !ok {
		return Result{Action: Manual, Note: "docker run IMAGE [COMMAND] was expected"}
	}
	var (
		env, notes          []string
		workdir, entrypoint string
		// entrypointSet says that --entrypoint was given, even empty: the
		// words after the image are then the command.
		entrypointSet bool
		mounts        [][2]string // source and target, as values
	)
	for _, f := range flags {
		switch f.Name {
		case "detach":
			return Result{Action: Manual, Note: "docker run -d starts a background service: declare it under the job's services: and reach it by its alias"}
		case "env":
			// -e K passes K from the job's environment, which the job has.
			if name, _, ok := strings.Cut(f.Value, "="); ok && isName(name) {
				w, _ := scanWord(f.Raw, 0)
				env = append(env, name+"="+rawFrom(w, len(name)+1))
			} else if ok {
				notes = append(notes, "left out: "+f.Text)
			}
		case "workdir":
			workdir = f.Value
		case "entrypoint":
			entrypointSet = true
			if f.Value != "" {
				entrypoint = f.Raw
			}
		case "volume":
			if parts := strings.SplitN(f.Value, ":", 3); len(parts) >= 2 {
				mounts = append(mounts, [2]string{parts[0], parts[1]})
			}
		case "mount":
			if s, t := mountSpec(f.Value); s != "" && t != "" {
				mounts = append(mounts, [2]string{s, t})
			}
		case "rm", "interactive", "tty", "init", "name", "pull", "quiet", "sig-proxy", "disable-content-trust":
		case "env-file":
			notes = append(notes, "--env-file "+f.Raw+": set its variables in the job's variables:")
		case "network", "publish", "publish-all", "link", "add-host", "network-alias":
			notes = append(notes, f.Text+": to reach other containers, declare them under services:")
		default:
			notes = append(notes, "left out: "+f.Text)
		}
	}
	cd := ""
	for _, m := range mounts {
		switch {
		case !projectDir(m[0]):
			notes = append(notes, "volume "+m[0]+":"+m[1]+": a job has no volumes; its files are in its checkout")
		case workdir == m[1]:
			workdir = ""
		case strings.HasPrefix(workdir, m[1]+"/"):
			cd, workdir = shellQuote(strings.TrimPrefix(workdir, m[1]+"/")), ""
		}
	}
	if workdir != "" {
		cd = shellQuote(workdir)
	}
	if len(args) > 0 && args[len(args)-1].Open {
		return Result{Action: Manual, Note: "the command's quoted text goes on over several lines of the script: write the whole command in the script of a job with image: " + tidy(image)}
	}
	if len(args) > 0 && !entrypointSet && !commandLike(args[0].Value, tidy(image)) {
		return Result{Action: Manual, Note: "docker run " + tidy(image) + " " + args[0].Raw + ": whether " + args[0].Raw +
			" is a program or an argument of the image's entrypoint cannot be told from the script; read the image's entrypoint and command with `crane config " +
			tidy(image) + "` and write the whole command in the script of a job with image: " + tidy(image)}
	}
	command := joinRaw(args)
	if entrypoint != "" {
		command = strings.TrimSpace(entrypoint + " " + command)
	}
	if command != "" && len(env) > 0 {
		command = strings.Join(env, " ") + " " + command
	}
	if command != "" && cd != "" {
		command = "cd " + cd + " && " + command
	}
	if command == "" {
		notes = append(notes, "no command: the image's own command does not run as a job's script; write it there")
	}
	o, _ := ctx.origin(image)
	if ctx.built(image) {
		notes = append(notes, tidy(o)+" is built by this job: run this in a later job with image: "+tidy(o)+" (build once, use the same image everywhere)")
	} else if ctx.BuildKit {
		notes = append(notes, "this job builds with moby/buildkit:rootless: run the command in a job of its own with image: "+tidy(o))
	}
	return Result{Action: UseImage, Image: tidy(o), Command: command, Note: strings.Join(notes, "; ")}
}

// knownPrograms are programs that images commonly run, so that the word
// after the image in docker run is taken for a command rather than an
// argument of the image's entrypoint.
var knownPrograms = []string{
	"sh", "bash", "ash", "zsh", "python", "python3", "pip", "pip3", "pytest", "tox", "node", "npm", "npx",
	"yarn", "pnpm", "make", "go", "java", "mvn", "gradle", "./gradlew", "./mvnw", "ruby", "bundle", "rake",
	"php", "composer", "perl", "cargo", "rustc", "dotnet", "git", "curl", "wget", "cat", "ls", "echo", "env",
	"true", "test", "cp", "mv", "rm", "tar", "unzip", "jq", "yq", "kubectl", "helm", "terraform", "ansible-playbook",
	"aws", "gcloud", "az", "crane", "skopeo", "trivy", "grype", "syft", "hadolint", "shellcheck", "eslint", "prettier",
}

// commandLike reports whether word, the first word after the image in
// docker run, is a program: one that images commonly run, a path, or the
// image's own name (hadolint/hadolint runs hadolint). Anything else may
// be an argument of the image's entrypoint (aquasec/trivy image X runs
// trivy image X), which a job's script cannot run as it is.
func commandLike(word, image string) bool {
	if strings.HasPrefix(word, "/") || strings.HasPrefix(word, "./") {
		return true
	}
	for _, p := range knownPrograms {
		if word == p {
			return true
		}
	}
	name := image
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.IndexAny(name, ":@"); i >= 0 {
		name = name[:i]
	}
	return word != "" && !strings.HasPrefix(word, "-") && (strings.Contains(name, word) || strings.Contains(word, name))
}

// mountSpec returns the source and target of a --mount value.
func mountSpec(v string) (string, string) {
	var src, dst string
	for _, kv := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(kv, "=")
		switch k {
		case "source", "src":
			src = val
		case "target", "dst", "destination":
			dst = val
		}
	}
	return src, dst
}

// projectDir reports whether a volume source is the directory the job runs
// in: its checkout.
func projectDir(v string) bool {
	switch strings.TrimSuffix(RefKey(v), "/") {
	case "${PWD}", "$(pwd)", "`pwd`", ".", "${CI_PROJECT_DIR}", "${CI_BUILDS_DIR}/${CI_PROJECT_PATH}":
		return true
	}
	return false
}
