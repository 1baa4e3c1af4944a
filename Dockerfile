# ci-doctor's image: the static binary on a small Alpine base, meant above all
# to be a GitLab CI job image (`image: $CI_REGISTRY_IMAGE:<tag>`), so that a job
# can run `ci-doctor run -- make image` or diagnose itself in after_script.
#
# Built by the project's pipeline with BuildKit rootless for linux/amd64 and
# linux/arm64 (see .gitlab-ci.yml). Both platforms are built without emulation:
# the Go stage runs on the build machine's platform and cross-compiles, and the
# final stage runs no command, because RUN on a foreign platform needs QEMU
# registered through binfmt_misc, which an unprivileged runner cannot do.

ARG ALPINE_VERSION=3.22

# golang:1.26 (Debian) rather than -alpine because it has git: go build reads
# the commit from .git (which .dockerignore keeps) for `ci-doctor version`.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags "-s -w" -o /out/ci-doctor ./cmd/ci-doctor

# The user, made on the build platform (a RUN, see above) on the same Alpine as
# the final stage, whose /etc/passwd and /etc/group it then replaces.
FROM --platform=$BUILDPLATFORM alpine:${ALPINE_VERSION} AS user
RUN addgroup -g 10001 ci-doctor \
    && adduser -D -u 10001 -G ci-doctor -h /home/ci-doctor -s /bin/sh ci-doctor

# Alpine, not scratch or distroless: the runner runs the job's script with the
# image's shell, and ci-doctor calls GitLab's API over HTTPS, so it needs the
# CA certificates that Alpine's base includes.
FROM alpine:${ALPINE_VERSION}
COPY --from=user /etc/passwd /etc/group /etc/
COPY --from=user --chown=10001:10001 /home/ci-doctor /home/ci-doctor
COPY --from=build /out/ci-doctor /usr/local/bin/ci-doctor
# Numeric, so that Kubernetes can check runAsNonRoot. The runner checks the
# sources out world-writable (umask 0000), so the job can still write its
# reports into the project folder.
USER 10001:10001
# No ENTRYPOINT, on purpose: the runner starts the job by passing a shell
# script as the command, and an ENTRYPOINT of ci-doctor would receive that
# script as its arguments, so the job's script would never run (the failure
# that ci-doctor reports as image-entrypoint-not-shell). A CMD is harmless:
# the runner replaces it.
CMD ["ci-doctor", "--help"]
