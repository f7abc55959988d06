// helm-batch runs many Helm commands in one process. Each line on stdin is a JSON array of helm
// arguments (`["lint", "--strict", "chart/", "-f", "chart/values-dev.yaml"]`); for each, one
// JSON line on stdout holds the exit code helm would have returned and what it printed.
//
// The commands are Helm's own: helm.sh/helm/v4/pkg/cmd is the code the helm binary runs, at the
// version scripts/install-tools.sh pins for the binary too. Only the process start-up is shared,
// which is most of the time `helm template` takes for a small chart; the test suite lints and
// renders a few hundred charts, and the start-ups alone would cost minutes.
//
// Each command adds an initializer to cobra's global list (helm's NewRootCmd), and every later
// command runs them all again: the caller starts a fresh process every few dozen commands.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	helmcmd "helm.sh/helm/v4/pkg/cmd"
	"helm.sh/helm/v4/pkg/kube"
)

type result struct {
	ExitCode int    `json:"exitCode"`
	Output   string `json:"output"`
}

func run(args []string) result {
	var out bytes.Buffer
	cmd, err := helmcmd.NewRootCmd(&out, args, helmcmd.SetupLogging)
	if err == nil {
		cmd.SetArgs(args)
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		err = cmd.Execute()
	}
	res := result{Output: out.String()}
	if err != nil {
		res.ExitCode = 1
		var cerr helmcmd.CommandError
		if errors.As(err, &cerr) {
			res.ExitCode = cerr.ExitCode
		}
		res.Output += fmt.Sprintf("Error: %v\n", err)
	}
	return res
}

func main() {
	// As cmd/helm/helm.go does.
	kube.ManagedFieldsManager = "helm"
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Println(run([]string{"version", "--short"}).Output)
		return
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	enc := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var args []string
		if err := json.Unmarshal(in.Bytes(), &args); err != nil {
			fmt.Fprintf(os.Stderr, "helm-batch: a line is not a JSON array of strings: %v\n", err)
			os.Exit(2)
		}
		if err := enc.Encode(run(args)); err != nil {
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "helm-batch: %v\n", err)
		os.Exit(1)
	}
}
