package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// backup writes a snapshot of the data directory's database to the file
// named after the flags, while a server may be serving from it.
func backup(args []string, stdout, stderr io.Writer) error {
	cfg, file, err := oneFile("backup", args)
	if err != nil {
		return err
	}
	if err := app.Backup(context.Background(), cfg, file); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backed up %s to %s (the master key is not in it)\n", cfg.DataDir, file)
	return nil
}

// restore replaces the data directory's database with a backup; the
// server must be stopped.
func restore(args []string, stdout, stderr io.Writer) error {
	cfg, file, err := oneFile("restore", args)
	if err != nil {
		return err
	}
	if err := app.Restore(context.Background(), cfg, file); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", cfg.DataDir, file)
	return nil
}

// oneFile parses a command's flags followed by one file name.
func oneFile(name string, args []string) (config.Config, string, error) {
	cfg, rest, err := config.ParseArgs(name, args, os.Getenv)
	if err != nil {
		return cfg, "", err
	}
	if len(rest) != 1 {
		return cfg, "", fmt.Errorf("%s: name one file (cognate %s [flags] FILE)", name, name)
	}
	return cfg, rest[0], nil
}
