#!/usr/bin/env bash
# Builds ci-doctor's release binaries, reproducibly: the same commit gives the
# same bytes on any machine, so anyone can rebuild a release and compare its
# checksums.txt with the published one.
#
#   scripts/release.sh            # from a clean checkout of the tag
#   ALLOW_DIRTY=1 scripts/release.sh   # to try it with uncommitted changes
#
# Writes into dist/: ci-doctor_<os>_<arch>[.exe] (the binaries),
# ci-doctor_<os>_<arch>.tar.gz (each with README.md) and checksums.txt
# (sha256sum; check with `sha256sum -c --ignore-missing checksums.txt`).
#
# Why a plain script and not goreleaser: goreleaser cannot be installed as a
# binary where the project builds (no downloads but the Go module proxy and
# Debian's packages), and running it from its Go module pulls hundreds of
# modules into the release path, to do what these few lines do with what the
# golang image already has (go, git, GNU tar, gzip, sha256sum). Its own
# reproducibility needs the same care anyway (mod_timestamp, -trimpath, fixed
# archive metadata).
#
# What makes it reproducible:
# - the Go toolchain named by go.mod's go line (GOTOOLCHAIN), whatever Go the
#   machine has; CGO_ENABLED=0, so no C toolchain enters;
# - -trimpath (no local paths), -buildid= (no build id), and -buildvcs=true,
#   which stamps the commit and its time, not the time of the build;
# - archives with the commit's time as every file's mtime (SOURCE_DATE_EPOCH),
#   owner 0:0, fixed modes, sorted names, and gzip -n (no name or time in the
#   gzip header). This needs GNU tar.
set -euo pipefail
cd "$(dirname "$0")/.."

targets="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64"

case "$(tar --version 2>/dev/null)" in
  *"GNU tar"*) ;;
  *) echo "release.sh: needs GNU tar (--sort, --mtime)" >&2; exit 1 ;;
esac
# Its own line, so that a git that fails (say, "dubious ownership") stops the
# script instead of passing for a clean tree.
changes="$(git status --porcelain)"
if [ -n "$changes" ] && [ -z "${ALLOW_DIRTY:-}" ]; then
  echo "release.sh: the work tree has uncommitted changes; a release is built from a clean checkout (ALLOW_DIRTY=1 to try anyway)" >&2
  exit 1
fi

goversion="$(go list -m -f '{{.GoVersion}}')"
export GOTOOLCHAIN="go$goversion"
# The environment's GOFLAGS (say -buildvcs=false or -mod=vendor) must not
# change the binaries.
export GOFLAGS=-mod=readonly CGO_ENABLED=0
SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
export SOURCE_DATE_EPOCH

rm -rf dist
mkdir -p dist/.stage
echo "release.sh: $(go version), commit $(git rev-parse --short=8 HEAD), SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"

for target in $targets; do
  os="${target%/*}" arch="${target#*/}"
  ext=""; [ "$os" = windows ] && ext=".exe"
  name="ci-doctor_${os}_${arch}"
  GOOS="$os" GOARCH="$arch" go build -trimpath -buildvcs=true -ldflags "-s -w -buildid=" \
    -o "dist/$name$ext" ./cmd/ci-doctor

  stage="dist/.stage/$name"
  mkdir -p "$stage"
  cp "dist/$name$ext" "$stage/ci-doctor$ext"
  cp README.md "$stage/"
  tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    --mode='u=rwX,go=rX' --format=gnu -C "$stage" -cf - "ci-doctor$ext" README.md | gzip -n -9 >"dist/$name.tar.gz"
  echo "  dist/$name$ext, dist/$name.tar.gz"
done
rm -rf dist/.stage

(cd dist && sha256sum ci-doctor_* >checksums.txt)
echo "  dist/checksums.txt"
