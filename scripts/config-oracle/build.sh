#!/usr/bin/env bash
# Builds the differential test's oracle (main.go: Pulumi's own config loader) into a cache outside
# the repository, keyed by the Go version and the files that make it, and prints the binary's path.
# Needs `go` and the Go module proxy.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v go >/dev/null 2>&1; then
    echo "config-oracle: ERROR: 'go' is not on PATH. The differential test runs Pulumi's own config loader," >&2
    echo "config-oracle: built from the Go module github.com/pulumi/pulumi/sdk/v3; install Go 1.26." >&2
    exit 1
fi
export GOTOOLCHAIN=local GOWORK=off GOFLAGS="-buildvcs=false -trimpath"
key=$({ go env GOVERSION; cat "$here/go.mod" "$here/go.sum" "$here/main.go"; } | sha256sum | cut -c1-16)
dir=${PORTWORX_AUTH_TOOLS:-$HOME/.cache/portworx-auth}/config-oracle/$key
if [ ! -x "$dir/config-oracle" ]; then
    mkdir -p "$dir"
    (cd "$here" && go build -o "$dir/config-oracle.tmp" .) >&2
    mv "$dir/config-oracle.tmp" "$dir/config-oracle"
fi
echo "$dir/config-oracle"
