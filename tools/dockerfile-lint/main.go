// Command dockerfile-lint runs Docker's own Dockerfile build checks (the rules
// behind `docker build --check`) over Dockerfiles, fully offline.
//
// It calls BuildKit's Dockerfile frontend lint entry point
// (dockerfile2llb.DockerfileLint) from the pinned github.com/moby/buildkit
// module, with an image-metadata resolver that never touches the network:
// every base image resolves to a stub config for the requested platform whose
// environment is PATH plus whatever --base-env adds. A `# syntax=` directive is
// NOT followed (no frontend image is pulled); the built-in frontend of the
// pinned BuildKit is used instead. `# check=skip=...;error=true;experimental=...`
// directives are honoured by BuildKit itself, as is the
// BUILDKIT_DOCKERFILE_CHECK build argument (which overrides the directive).
//
// Usage:
//
//	dockerfile-lint [--json] [--build-arg K=V]... [--target T] [--platform os/arch]
//	                [--base-env K[=V]]... FILE...
//
// Exit status: 0 no findings, 1 findings, 2 usage, read or parse/build error.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/moby/buildkit/util/system"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

const usage = `usage: dockerfile-lint [--json] [--build-arg K=V]... [--target T]
                       [--platform os/arch[/variant]] [--base-env K[=V]]... FILE...

Runs BuildKit's Dockerfile checks (as 'docker build --check') offline.
Prints "FILE:LINE RuleName: message" per finding (or a JSON array with --json).
  --build-arg K=V   build argument (repeatable); BUILDKIT_DOCKERFILE_CHECK is honoured
  --target T        lint only the stages T depends on (default: all stages)
  --platform P      target platform (default: this host's)
  --base-env K[=V]  pretend every base image defines ENV K (repeatable); base
                    images are never pulled, so only PATH is known otherwise
  --json            print a JSON array of {file,line,rule,description,message,url}
  --version         print the BuildKit version the checks come from
Exit status: 0 clean, 1 findings, 2 usage or parse/build error.
`

// Finding is one lint warning, in the shape of the --json output.
type Finding struct {
	File        string `json:"file"`
	Line        int    `json:"line"`
	Rule        string `json:"rule"`
	Description string `json:"description"`
	Message     string `json:"message"`
	URL         string `json:"url"`
}

type options struct {
	jsonOut   bool
	buildArgs map[string]string
	target    string
	platform  *ocispecs.Platform
	baseEnv   []string
	files     []string
}

func main() {
	opts, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "dockerfile-lint: %v\n\n%s", err, usage)
		os.Exit(2)
	}
	os.Exit(run(opts, os.Stdout, os.Stderr))
}

func parseArgs(args []string) (*options, error) {
	o := &options{buildArgs: map[string]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			o.files = append(o.files, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			o.files = append(o.files, a)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		needVal := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("flag --%s needs a value", name)
			}
			i++
			return args[i], nil
		}
		switch name {
		case "h", "help":
			fmt.Print(usage)
			os.Exit(0)
		case "version":
			fmt.Println(version())
			os.Exit(0)
		case "json":
			if hasVal {
				return nil, fmt.Errorf("flag --json takes no value")
			}
			o.jsonOut = true
		case "build-arg":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			k, v, ok := strings.Cut(v, "=")
			if !ok {
				// like docker: --build-arg K takes K from the environment
				if ev, set := os.LookupEnv(k); set {
					v, ok = ev, true
				}
			}
			if k == "" {
				return nil, fmt.Errorf("invalid --build-arg %q", v)
			}
			if ok {
				o.buildArgs[k] = v
			}
		case "target":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			o.target = v
		case "platform":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			p, err := platforms.Parse(v)
			if err != nil {
				return nil, fmt.Errorf("invalid --platform %q: %v", v, err)
			}
			p = platforms.Normalize(p)
			o.platform = &p
		case "base-env":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			if !strings.Contains(v, "=") {
				v += "="
			}
			o.baseEnv = append(o.baseEnv, v)
		default:
			return nil, fmt.Errorf("unknown flag %q", a)
		}
	}
	if len(o.files) == 0 {
		return nil, fmt.Errorf("no Dockerfile given")
	}
	return o, nil
}

func run(o *options, stdout, stderr io.Writer) int {
	status := 0
	all := []Finding{}
	for _, file := range o.files {
		findings, code := lintFile(o, file, stderr)
		all = append(all, findings...)
		if !o.jsonOut {
			for _, f := range findings {
				fmt.Fprintf(stdout, "%s:%d %s: %s\n", f.File, f.Line, f.Rule, f.Message)
			}
		}
		status = max(status, code)
	}
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			fmt.Fprintf(stderr, "dockerfile-lint: %v\n", err)
			return 2
		}
	}
	return status
}

func lintFile(o *options, file string, stderr io.Writer) ([]Finding, int) {
	var dt []byte
	var err error
	if file == "-" {
		dt, err = io.ReadAll(os.Stdin)
	} else {
		dt, err = os.ReadFile(file)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", file, err)
		return nil, 2
	}

	// BuildKit lets the BUILDKIT_DOCKERFILE_CHECK build argument replace the
	// `# check=` directive. Without a gateway client DockerfileLint only
	// reads the directive, so emulate the override on the source text.
	src, lineShift, returnAsError, err := applyCheckOverride(dt, o.buildArgs)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", file, err)
		return nil, 2
	}

	cfg := dockerui.Config{
		BuildArgs: o.buildArgs,
		Target:    o.target,
	}
	sm := llb.NewSourceMap(nil, file, "Dockerfile", dt)
	sm.Definition = &llb.Definition{} // no build context: nothing is solved
	res, err := dockerfile2llb.DockerfileLint(context.Background(), src, dockerfile2llb.ConvertOpt{
		Config:         cfg,
		SourceMap:      sm,
		TargetPlatform: o.platform,
		MetaResolver:   offlineResolver{env: o.baseEnv},
	})
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", file, err)
		return nil, 2
	}

	findings := make([]Finding, 0, len(res.Warnings))
	for _, w := range res.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 && w.Location.Ranges[0].Start != nil {
			line = max(int(w.Location.Ranges[0].Start.Line)-lineShift, 0)
		}
		findings = append(findings, Finding{
			File: file, Line: line, Rule: w.RuleName,
			Description: w.Description, Message: w.Detail, URL: w.URL,
		})
	}
	sort.SliceStable(findings, func(i, j int) bool {
		if findings[i].Line != findings[j].Line {
			return findings[i].Line < findings[j].Line
		}
		return findings[i].Rule < findings[j].Rule
	})

	code := 0
	if len(findings) > 0 {
		code = 1
	}
	if res.Error != nil {
		line := 0
		if rs := res.Error.Location.Ranges; len(rs) > 0 && rs[0].Start != nil {
			line = max(int(rs[0].Start.Line)-lineShift, 0)
		}
		if returnAsError && len(findings) > 0 && strings.HasPrefix(res.Error.Message, "lint violation found") {
			// check=error=true: BuildKit turns the warnings into a build error.
			fmt.Fprintf(stderr, "%s: error: %s (check=error=true)\n", file, res.Error.Message)
		} else {
			fmt.Fprintf(stderr, "%s:%d error: %s\n", file, line, res.Error.Message)
			code = 2
		}
	}
	return findings, code
}

var checkDirectiveRe = regexp.MustCompile(`(?i)^#[ \t]*check[ \t]*=`)

// applyCheckOverride returns the Dockerfile source to lint, how many lines were
// prepended to it, and whether check=error=true is in force.
func applyCheckOverride(dt []byte, buildArgs map[string]string) ([]byte, int, bool, error) {
	override, ok := buildArgs["BUILDKIT_DOCKERFILE_CHECK"]
	if !ok {
		v, _, _, _ := parser.ParseDirective("check", dt)
		cfg, err := linter.ParseLintOptions(v)
		if err != nil {
			return nil, 0, false, fmt.Errorf("failed to parse check options: %w", err)
		}
		return dt, 0, cfg.ReturnAsError, nil
	}
	cfg, err := linter.ParseLintOptions(override)
	if err != nil {
		return nil, 0, false, fmt.Errorf("failed to parse BUILDKIT_DOCKERFILE_CHECK: %w", err)
	}
	directive := "# check=" + override
	lines := strings.SplitAfter(string(dt), "\n")
	// Parser directives are the leading comment lines; replace an existing
	// check directive in place so line numbers stay the same.
	if _, _, loc, found := parser.ParseDirective("check", dt); found && len(loc) > 0 {
		idx := loc[0].Start.Line - 1
		if idx >= 0 && idx < len(lines) && checkDirectiveRe.MatchString(lines[idx]) {
			nl := ""
			if strings.HasSuffix(lines[idx], "\n") {
				nl = "\n"
			}
			lines[idx] = directive + nl
			return []byte(strings.Join(lines, "")), 0, cfg.ReturnAsError, nil
		}
	}
	return append([]byte(directive+"\n"), dt...), 1, cfg.ReturnAsError, nil
}

// offlineResolver answers every image-config lookup with a stub image for the
// requested platform, so linting never contacts a registry.
type offlineResolver struct {
	env []string
}

func (r offlineResolver) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	p := platforms.DefaultSpec()
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		p = *opt.ImageOpt.Platform
	}
	env := append([]string{"PATH=" + system.DefaultPathEnv(p.OS)}, r.env...)
	img := ocispecs.Image{
		Platform: p,
		Config:   ocispecs.ImageConfig{Env: env},
		RootFS: ocispecs.RootFS{
			Type: "layers",
			// one non-empty layer, so the base is not treated as scratch
			DiffIDs: []digest.Digest{digest.FromString(ref)},
		},
	}
	dt, err := json.Marshal(img)
	if err != nil {
		return "", "", nil, err
	}
	return ref, "", dt, nil
}

func version() string {
	bk := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == "github.com/moby/buildkit" {
				bk = m.Version
				if m.Replace != nil {
					bk = m.Replace.Version
				}
			}
		}
	}
	return "dockerfile-lint (github.com/moby/buildkit " + bk + ")"
}
