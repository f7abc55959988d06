// dockerignore-match tells which paths a .dockerignore keeps out of the build context, the way
// BuildKit decides it: the file is read with moby/patternmatcher's ignorefile (as BuildKit's
// dockerui does) and each path is matched with its parents' results (as fsutil does while it
// walks the context), so `!` exceptions and `**` behave exactly as in a real build.
//
// Usage: dockerignore-match IGNOREFILE < paths
//
// Each line on stdin is a path relative to the context, with forward slashes; each line on
// stdout is "excluded<TAB>path" or "included<TAB>path". Exit status: 0, or 2 on a read or
// pattern error.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		version := "unknown"
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, d := range info.Deps {
				if d.Path == "github.com/moby/patternmatcher" {
					version = d.Version
				}
			}
		}
		fmt.Printf("dockerignore-match (moby/patternmatcher %s)\n", version)
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: dockerignore-match IGNOREFILE < paths")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fail(err)
	}
	patterns, err := ignorefile.ReadAll(f)
	f.Close()
	if err != nil {
		fail(err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		fail(err)
	}
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		path := strings.Trim(in.Text(), "/")
		if path == "" {
			continue
		}
		excluded, err := matches(pm, path)
		if err != nil {
			fail(err)
		}
		state := "included"
		if excluded {
			state = "excluded"
		}
		fmt.Fprintf(out, "%s\t%s\n", state, path)
	}
	if err := in.Err(); err != nil {
		fail(err)
	}
}

// matches walks from the top folder down to the path, handing each level its parent's result.
func matches(pm *patternmatcher.PatternMatcher, path string) (bool, error) {
	parts := strings.Split(path, "/")
	var info patternmatcher.MatchInfo
	var matched bool
	var err error
	for i := range parts {
		matched, info, err = pm.MatchesUsingParentResults(strings.Join(parts[:i+1], "/"), info)
		if err != nil {
			return false, err
		}
	}
	return matched, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "dockerignore-match:", err)
	os.Exit(2)
}
