package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// exportFlags are export's and import's own flags, beside the storage
// flags config parses; bool flags take no value.
var exportFlags = map[string]bool{"out": false, "in": false, "seal-key-file": false, "user-pool-id": false, "signing-keys": true}

// ownFlags takes the flags named in own out of args (as -name value,
// --name value or --name=value) and returns them with the other args.
func ownFlags(name string, args []string, own map[string]bool) (map[string]string, []string, error) {
	vals := map[string]string{}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		flagName, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		isBool, ok := own[flagName]
		if !strings.HasPrefix(a, "-") || !ok {
			rest = append(rest, a)
			continue
		}
		switch {
		case isBool && !hasValue:
			value = "true"
		case !hasValue:
			if i+1 == len(args) {
				return nil, nil, fmt.Errorf("%s: flag --%s needs a value", name, flagName)
			}
			i++
			value = args[i]
		}
		vals[flagName] = value
	}
	return vals, rest, nil
}

// exportCmd writes the server's user pools to an export file.
func exportCmd(args []string, stdout, stderr io.Writer) error {
	own, rest, err := ownFlags("export", args, exportFlags)
	if err != nil {
		return err
	}
	cfg, err := config.Parse("export", rest, os.Getenv)
	if err != nil {
		return err
	}
	if own["out"] == "" || own["seal-key-file"] == "" {
		return fmt.Errorf("export: --out FILE and --seal-key-file FILE are required")
	}
	key, err := app.ReadExportKey(own["seal-key-file"])
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	f, err := os.OpenFile(own["out"], os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	counts, err := app.Export(context.Background(), cfg, os.Getenv, f, app.ExportOptions{
		UserPoolID: own["user-pool-id"], SigningKeys: own["signing-keys"] == "true", Key: key})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(own["out"])
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "exported to %s: %s\n", own["out"], countsText(counts))
	return nil
}

// importCmd reads an export file into the server's storage.
func importCmd(args []string, stdout, stderr io.Writer) error {
	own, rest, err := ownFlags("import", args, exportFlags)
	if err != nil {
		return err
	}
	cfg, err := config.Parse("import", rest, os.Getenv)
	if err != nil {
		return err
	}
	if own["in"] == "" || own["seal-key-file"] == "" {
		return fmt.Errorf("import: --in FILE and --seal-key-file FILE are required")
	}
	key, err := app.ReadExportKey(own["seal-key-file"])
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	f, err := os.Open(own["in"])
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	counts, err := app.Import(context.Background(), cfg, os.Getenv, f, key)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(stdout, "imported from %s: %s\n", own["in"], countsText(counts))
	return nil
}

func countsText(c app.ExportCounts) string {
	kinds := make([]string, 0, len(c))
	for k := range c {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", c[k], k))
	}
	return strings.Join(parts, ", ")
}
