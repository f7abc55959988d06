# shellcheck shell=bash
# Source this file (`. scripts/tools-env.sh`) to use the validators installed by
# scripts/install-tools.sh. It is the one place where their location is defined:
# a cache outside the repo, so every clone on this machine shares it.
#   CCA_TOOLS_HOME  default: ${XDG_CACHE_HOME:-$HOME/.cache}/create-containerized-app/tools
#   binaries in     $CCA_TOOLS_HOME/bin (prepended to PATH once)
CCA_TOOLS_HOME="${CCA_TOOLS_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/create-containerized-app/tools}"
export CCA_TOOLS_HOME
case ":${PATH}:" in
  *":${CCA_TOOLS_HOME}/bin:"*) ;;
  *) PATH="${CCA_TOOLS_HOME}/bin${PATH:+:${PATH}}" ;;
esac
export PATH
