#!/usr/bin/env bash
# Builds the live suite's tools from their Go modules into a cache outside the repository:
#   ${PORTWORX_AUTH_TOOLS:-$HOME/.cache/portworx-auth/live-tools}/<tool>/<key>/<binary>
# <key> hashes the Go version and the files that pin the tool, so a changed pin rebuilds only that
# tool and a present one is reused. Needs `go` and the Go module proxy, nothing else.
#
#   build.sh          build what is missing (progress on stdout, full log in <cache>/build.log), and
#                     fail loudly once the builds have taken PORTWORX_AUTH_TOOLS_BUDGET seconds
#                     (default 3600: CI's job has 90 minutes for everything)
#   build.sh --path   print the directories holding the built tools, joined with ':' for PATH;
#                     exit 1 naming what is missing
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=${PORTWORX_AUTH_TOOLS:-$HOME/.cache/portworx-auth/live-tools}

# The Kubernetes provider's own release module, at the commit of its v4.25.0 release: the only
# version of github.com/pulumi/pulumi-kubernetes/provider/v4 that the Go module proxy reachable
# here serves (it serves none of v4.34.2, the version of the pinned @pulumi/kubernetes).
K8S_PROVIDER_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
K8S_PROVIDER_PSEUDO=v4.0.0-20260115033456-f47bc2d6f199
K8S_PROVIDER_RELEASE=4.25.0
KUBE_VERSION=v1.34.4
PULUMI_VERSION=v3.248.0

if ! command -v go >/dev/null 2>&1; then
    echo "live-tools: ERROR: 'go' is not on PATH. The live suite builds etcd, kube-apiserver, the Pulumi" >&2
    echo "live-tools: CLI and providers from Go modules; install Go 1.26 (this project's machines have it)." >&2
    exit 1
fi

export GOTOOLCHAIN=local
export GOFLAGS="-buildvcs=false -trimpath"
# Unset inherited flags that would change what gets built (a vendor dir, a workspace).
export GOWORK=off

gover=$(go env GOVERSION)

# key TOOL: a short hash of what makes the tool: the Go version and flags, the pins, the tool's
# build function and the files that pin it. Anything else in this script can change freely.
key() {
    local f
    {
        echo "$gover $GOFLAGS $KUBE_VERSION $PULUMI_VERSION $K8S_PROVIDER_PSEUDO $K8S_PROVIDER_RELEASE"
        declare -f "build_$1"
        for f in ${files_of[$1]}; do
            echo "== ${f#"$here"/}"
            cat "$f"
        done
    } | sha256sum | cut -c1-16
}

# name binary key-files...
declare -A bin_of files_of
add() {
    local name=$1 bin=$2
    shift 2
    bin_of[$name]=$bin
    files_of[$name]="$*"
}
m=$here
add etcd etcd "$m/etcd/go.mod" "$m/etcd/go.sum" "$m/etcd/main.go"
add kube-apiserver kube-apiserver "$m/kube-apiserver/go.mod" "$m/kube-apiserver/go.sum"
add kube-controller-manager kube-controller-manager "$m/kube-apiserver/go.mod" "$m/kube-apiserver/go.sum"
add pulumi pulumi "$m/pulumi/go.mod" "$m/pulumi/go.sum"
add pulumi-language-nodejs pulumi-language-nodejs "$m/nodejs-langhost/go.mod" "$m/nodejs-langhost/go.sum"
add pulumi-resource-kubernetes pulumi-resource-kubernetes
add pulumi-resource-random pulumi-resource-random "$m/pulumi/go.mod" "$m/pulumi/go.sum" "$m/pulumi/random-standin/main.go"
order=(etcd kube-apiserver kube-controller-manager pulumi pulumi-language-nodejs pulumi-resource-kubernetes pulumi-resource-random)

dir_of() { echo "$root/$1/$(key "$1")"; }

v=k8s.io/component-base/version
build_etcd() { (cd "$m/etcd" && go_build "$1" etcd -ldflags='-s -w' .); }
# Without these the binaries report v0.0.0-master, and clients gate features on the version.
kube_ldflags="-s -w -X $v.gitVersion=$KUBE_VERSION -X $v.gitMajor=1 -X $v.gitMinor=34 -X $v.gitTreeState=clean"
build_kube-apiserver() {
    (cd "$m/kube-apiserver" && go_build "$1" kube-apiserver -ldflags="$kube_ldflags" k8s.io/kubernetes/cmd/kube-apiserver)
}
build_kube-controller-manager() {
    (cd "$m/kube-apiserver" && go_build "$1" kube-controller-manager -ldflags="$kube_ldflags" \
        k8s.io/kubernetes/cmd/kube-controller-manager)
}
build_pulumi() {
    (cd "$m/pulumi" && go_build "$1" pulumi \
        -ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
}
build_pulumi-language-nodejs() {
    (cd "$m/nodejs-langhost" && go_build "$1" pulumi-language-nodejs -ldflags='-s -w' \
        github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
}
build_pulumi-resource-random() {
    (cd "$m/pulumi" && go_build "$1" pulumi-resource-random -ldflags='-s -w' ./random-standin)
}
build_pulumi-resource-kubernetes() {
    # The provider's main package embeds schema-embed.json, which its release process generates
    # (go:generate in that package) and a module download lacks; and its go.mod replaces
    # pulumi-kubernetes/sdk/v4 with ../sdk. So: copy the downloaded module, point that replace at
    # the published sdk/v4 of the same release, run the package's own generator, then build.
    local src
    work=$(mktemp -d)
    src=$(cd "$work" && go mod download -json "$K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO" |
        sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [[ -n $src ]] || { echo "live-tools: could not download $K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO" >&2; return 1; }
    cp -r "$src" "$work/provider"
    chmod -R u+w "$work/provider"
    (
        cd "$work/provider"
        export GOFLAGS="$GOFLAGS -mod=mod"
        go mod edit -replace "github.com/pulumi/pulumi-kubernetes/sdk/v4=github.com/pulumi/pulumi-kubernetes/sdk/v4@v$K8S_PROVIDER_RELEASE"
        (cd cmd/pulumi-resource-kubernetes && VERSION=$K8S_PROVIDER_RELEASE go run generate.go) >>"$log" 2>&1
        go_build "$1" pulumi-resource-kubernetes \
            -ldflags="-s -w -X $K8S_PROVIDER_MODULE/pkg/version.Version=$K8S_PROVIDER_RELEASE" \
            ./cmd/pulumi-resource-kubernetes
    )
    rm -rf "$work"
    work=""
}

if [[ ${1:-} == --path ]]; then
    missing=() dirs=()
    for t in "${order[@]}"; do
        d=$(dir_of "$t")
        if [[ -x $d/${bin_of[$t]} ]]; then dirs+=("$d"); else missing+=("$t"); fi
    done
    if ((${#missing[@]})); then
        echo "live-tools: not built: ${missing[*]} (run: bash scripts/live-tools/build.sh)" >&2
        exit 1
    fi
    (IFS=:; echo "${dirs[*]}")
    exit 0
fi
[[ $# -eq 0 ]] || { echo "usage: build.sh [--path]" >&2; exit 2; }

mkdir -p "$root"
log=$root/build.log
work=""
cleanup() { [[ -z $work ]] || rm -rf "$work"; }
trap cleanup EXIT

say() { echo "live-tools $(date -u +%H:%M:%S) $*"; }

# go_build OUT_DIR BINARY [go build args...] : runs in the current directory; prints a line every
# 100 packages compiled so a long build shows it is alive.
go_build() {
    local out=$1 binary=$2
    shift 2
    echo "== go build $binary $*" >>"$log"
    go build -v -o "$out/$binary" "$@" 2>&1 | tee -a "$log" |
        awk -v b="$binary" '{ n++; if (n % 100 == 0) { printf "  %s: %d packages\n", b, n; fflush() } }'
    return "${PIPESTATUS[0]}"
}

over_budget() {
    echo "live-tools: ERROR: over budget: $1 was still building after ${budget}s in all (PORTWORX_AUTH_TOOLS_BUDGET)," >&2
    echo "live-tools: ERROR: so it was stopped. Times so far: ${times[*]:-none}. A cold build took 16 min on a" >&2
    echo "live-tools: ERROR: loaded 2-core machine (README, Live suite); raise the budget only if CI's 90 minutes allow it." >&2
    exit 1
}

# with_budget TOOL OUT: the tool's build as a background job, a process group of its own (set -m),
# stopped whole (go build and its compilers) once the budget is spent or on Ctrl-C.
with_budget() {
    local t=$1 pid
    ((SECONDS < deadline)) || over_budget "$t"
    set -m
    "build_$t" "$2" &
    pid=$!
    set +m
    trap 'kill -TERM -- "-$pid" 2>/dev/null; exit 130' INT TERM
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            kill -TERM -- "-$pid" 2>/dev/null || true
            sleep 5
            kill -KILL -- "-$pid" 2>/dev/null || true
            over_budget "$t"
        fi
        sleep 1
    done
    trap - INT TERM
    wait "$pid"
}

build() {
    local t=$1 final tmp start
    final=$(dir_of "$t")
    if [[ -x $final/${bin_of[$t]} ]]; then
        say "$t: cached in $final"
        return
    fi
    start=$SECONDS
    say "$t: building (log: $log)"
    tmp="$root/.partial-$t"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    with_budget "$t" "$tmp"
    # A finished build replaces every older key of the same tool.
    rm -rf "${root:?}/$t"
    mkdir -p "$root/$t"
    mv "$tmp" "$final"
    say "$t: built in $((SECONDS - start))s, $(du -sh "$final" | cut -f1)"
    times+=("$t $((SECONDS - start))s")
}

budget=${PORTWORX_AUTH_TOOLS_BUDGET:-3600}
[[ $budget =~ ^[0-9]+$ ]] || { echo "live-tools: PORTWORX_AUTH_TOOLS_BUDGET must be whole seconds, not '$budget'" >&2; exit 2; }
say "cache: $root ($gover, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'), budget ${budget}s)"
total=$SECONDS
deadline=$((SECONDS + budget))
times=()
for t in "${order[@]}"; do build "$t"; done
say "all tools ready in $((SECONDS - total))s (built: ${times[*]:-none}); cache holds $(du -sh "$root" | cut -f1)"
