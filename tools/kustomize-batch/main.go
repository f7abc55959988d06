// kustomize-batch runs many `kubectl kustomize` builds in one process. Each line on stdin is a
// JSON array of arguments (`["deploy/kustomize/overlays/prod"]`); for each, one JSON line on
// stdout holds the exit code and what the build printed.
//
// The command is kustomize's own build command, constructed the way kubectl's `kustomize`
// subcommand constructs it, from the kustomize module version scripts/install-tools.sh pins
// for the kustomize binary too. Sharing the process matters because each build parses
// kustomize's built-in OpenAPI document for its patches, which is most of a build's time; the
// test suite builds a few hundred overlays.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/api/provenance"
	"sigs.k8s.io/kustomize/kustomize/v5/commands/build"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

type result struct {
	ExitCode int    `json:"exitCode"`
	Output   string `json:"output"`
}

func run(args []string) result {
	var out bytes.Buffer
	cmd := build.NewCmdBuild(filesys.MakeFsOnDisk(), build.MakeHelp("kubectl", "kustomize"), &out)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	if err := cmd.Execute(); err != nil {
		return result{ExitCode: 1, Output: out.String() + fmt.Sprintf("Error: %v\n", err)}
	}
	return result{Output: out.String()}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Println(provenance.GetProvenance().Version)
		return
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	enc := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var args []string
		if err := json.Unmarshal(in.Bytes(), &args); err != nil {
			fmt.Fprintf(os.Stderr, "kustomize-batch: a line is not a JSON array of strings: %v\n", err)
			os.Exit(2)
		}
		if err := enc.Encode(run(args)); err != nil {
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "kustomize-batch: %v\n", err)
		os.Exit(1)
	}
}
