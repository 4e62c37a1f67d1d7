// Command openrpc works with OpenRPC documents and the services that publish them: it
// generates typed Go and TypeScript clients and Go server stubs from any document, checks
// documents against the OpenRPC meta-schema and for breaking changes, and calls, lists,
// documents and mocks services from a terminal.
//
// Install it with
//
//	go install github.com/openrpc-go/openrpc/cmd/openrpc@latest
//
// and run "openrpc help" for the commands, "openrpc COMMAND --help" for one of them.
//
// A document is named by a file path, "-" for standard input, the URL of a document
// (https://example.com/openrpc.json), or the URL of a live service, whose rpc.discover is
// called: http(s) for HTTP POST, ws(s) for WebSocket. Reading a document from a URL gives
// up after a minute.
//
// Exit status: 0 on success, 1 when the command ran and found a problem (an invalid
// document, a breaking change, an error reply), 2 when it could not run (bad usage, an
// unreadable document, a service that cannot be reached).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/openrpc-go/openrpc/internal/docmodel"
)

// command is one subcommand.
type command struct {
	name    string
	usage   string // the arguments, after the command's name
	summary string // one line for "openrpc help"
	help    string // the rest of "openrpc COMMAND --help": what it does, examples
	run     func(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error
	// flags declares the command's flags on fs; run reads them through the closure.
	flags func(fs *flag.FlagSet)
}

// commands lists the subcommands in the order "openrpc help" shows them.
var commands = []*command{
	genCmd,
	validateCmd,
	diffCmd,
	callCmd,
	discoverCmd,
	docsCmd,
	mockCmd,
}

// env is what a command may touch of the process: tests run commands with their own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// exitError makes run return a status without printing more.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a mistake in the command line: it is printed with a hint to --help and
// gives exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:]))
}

// run runs the command line args and returns the exit status.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			c := lookup(args[1])
			if c == nil {
				fmt.Fprintf(e.stderr, "openrpc: unknown command %q; run \"openrpc help\" for the list\n", args[1])
				return 2
			}
			printHelp(e.stdout, c, nil)
			return 0
		}
		printOverview(e.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(e.stderr, "openrpc: unknown command %q; run \"openrpc help\" for the list\n", args[0])
		return 2
	}
	fs := flag.NewFlagSet("openrpc "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if c.flags != nil {
		c.flags(fs)
	}
	rest, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		printHelp(e.stdout, c, fs)
		return 0
	}
	if err == nil {
		err = c.run(ctx, e, fs, rest)
	}
	var status exitError
	var usage usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &status):
		return int(status)
	case errors.As(err, &usage):
		fmt.Fprintf(e.stderr, "openrpc %s: %v\nusage: openrpc %s %s\nrun \"openrpc %s --help\" for more\n", c.name, err, c.name, c.usage, c.name)
		return 2
	default:
		fmt.Fprintf(e.stderr, "openrpc %s: %s\n", c.name, printableLines(err.Error()))
		return 2
	}
}

// parseInterspersed parses flags anywhere among the arguments ("gen go doc.json --out x"),
// up to a "--" after which everything is an argument. A negative number is an argument,
// also right after a flag, unless it is the value of a flag that takes one.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			return append(rest, args[1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' || isNumber(a) {
			rest = append(rest, a)
			args = args[1:]
			continue
		}
		// One flag at a time, with the next argument when it is the flag's value: the flag
		// package would read a negative number that follows as a flag.
		n := 1
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if f := fs.Lookup(name); f != nil && !hasValue && !isBoolFlag(f) && len(args) > 1 {
			n = 2
		}
		if err := fs.Parse(args[:n]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			msg := err.Error()
			if fs.Lookup(name) == nil {
				msg += `; an argument that starts with "-" goes after "--"`
			}
			return nil, usageError{msg}
		}
		args = args[n:]
	}
	return rest, nil
}

// isBoolFlag reports whether f is a flag that takes no value (-json, not -json VALUE).
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// printableLines returns s with each line made safe to print (docmodel.Printable): an
// error may quote what a document or a service said.
func printableLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = docmodel.Printable(l)
	}
	return strings.Join(lines, "\n")
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func printOverview(w io.Writer) {
	fmt.Fprint(w, "openrpc works with OpenRPC documents and the services that publish them.\n\nUsage:\n\n  openrpc COMMAND [arguments]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nA document is a file, - for standard input, the URL of a document, or the URL of a\nlive service (http, https, ws, wss), whose rpc.discover is called.\n\nRun \"openrpc COMMAND --help\" for a command's flags and examples.\n")
}

func printHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: openrpc %s %s\n\n%s\n", c.name, c.usage, c.summary)
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
	}
	if fs == nil {
		fs = flag.NewFlagSet(c.name, flag.ContinueOnError)
		if c.flags != nil {
			c.flags(fs)
		}
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}
