package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/acme/kiosk/v2/pkg/api"
	"github.com/acme/kiosk/v2/pkg/version"
)

func main() {
	fs := flag.NewFlagSet("kiosk", flag.ExitOnError)
	port := fs.Int("port", 9898, "HTTP port")
	uiPath := fs.String("ui-path", "./ui", "UI local path")
	uiColor := fs.String("ui-color", "#34577c", "UI color")
	uiMessage := fs.String("ui-message", "greetings from kiosk", "UI message")
	level := fs.String("level", "info", "log level: debug, info, warn or error")
	showVersion := fs.Bool("version", false, "print the version and exit")
	_ = fs.Parse(os.Args[1:])

	// KIOSK_<FLAG> variables override the defaults, flags given on the command line win.
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] {
			return
		}
		if v, ok := os.LookupEnv("KIOSK_" + envName(f.Name)); ok {
			_ = f.Value.Set(v)
		}
	})

	if *showVersion {
		fmt.Println(version.VERSION)
		return
	}

	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(*level))
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: lvl}))

	srv, err := api.NewServer(api.Config{Port: *port, UIPath: *uiPath, UIColor: *uiColor, UIMesage: *uiMessage}, log)
	if err != nil {
		log.Error("cannot load the UI", "ui-path", *uiPath, "error", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.ListenAndServe(ctx, ":"+strconv.Itoa(*port)); err != nil {
		log.Error("server stopped", "error", err)
		os.Exit(1)
	}
}

func envName(flagName string) string {
	b := []byte(flagName)
	for i, c := range b {
		switch {
		case c == '-':
			b[i] = '_'
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
