#!/usr/bin/env bash
# Checks generated Terraform stacks the way the test suite does, one directory at a time:
#   terraform fmt -check, init (providers from the local mirror install-tools.sh builds; no
#   backend), validate, tflint (its bundled terraform ruleset, every rule), checkov.
# Usage: scripts/terraform-check.sh DIR...   (run scripts/install-tools.sh first)
set -Eeuo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/tools-env.sh
. "${REPO_ROOT}/scripts/tools-env.sh"
export TF_CLI_CONFIG_FILE="${CCA_TOOLS_HOME}/terraform/terraformrc"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
[[ -f "${TF_CLI_CONFIG_FILE}" ]] || { echo "terraform-check: ${TF_CLI_CONFIG_FILE} is missing: run scripts/install-tools.sh" >&2; exit 2; }
status=0
for dir in "$@"; do
  echo "== ${dir}"
  step() { local what="$1"; shift; if ! out="$("$@" 2>&1)"; then echo "FAIL ${what}"; echo "${out}"; status=1; return 1; fi; echo "ok   ${what}"; }
  step "terraform fmt" terraform -chdir="${dir}" fmt -check -diff -recursive || true
  step "terraform init" terraform -chdir="${dir}" init -backend=false -input=false -no-color || continue
  step "terraform validate" terraform -chdir="${dir}" validate -no-color || true
  step "tflint" tflint --chdir="${dir}" --no-color || true
  step "checkov" checkov -d "${dir}" --framework terraform --quiet --compact --skip-download || true
done
exit "${status}"
