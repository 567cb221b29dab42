// Package cli is what clvkit's example programs share around their flags:
// Main, which runs a program's run function and turns its error into a
// message and an exit status, and the rule for an input file given with a
// flag or as the one positional argument.
//
// A program's run function takes its arguments and output streams, so
// that tests call it with the very arguments its documentation shows:
//
//	func main() { cli.Main("forecast", run) }
//	func run(args []string, stdout, stderr io.Writer) error {
//		fs := flag.NewFlagSet("forecast", flag.ContinueOnError)
//		...
//		if err := cli.Parse(fs, args, stderr); err != nil {
//			return err
//		}
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrUsage is wrapped by errors in how a program was called: a flag it
// does not know, a value out of range, an argument too many. Main exits
// with status 2 on them, 1 on other errors.
var ErrUsage = errors.New("usage")

// Usagef returns an error wrapping ErrUsage with the formatted message.
func Usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

type usageError struct {
	msg      string
	reported bool // the flag package has printed it, with the usage
	err      error
}

func (e *usageError) Error() string {
	if e.err != nil {
		return e.err.Error()
	}
	return e.msg
}

func (e *usageError) Unwrap() []error { return []error{ErrUsage, e.err} }

// Parse parses args with fs, which must be flag.ContinueOnError, printing
// its errors and usage to stderr. An error it returns wraps ErrUsage (or is
// flag.ErrHelp, for -h) and has been reported: Main prints nothing more.
//
// Unlike fs.Parse, Parse reads flags after positional arguments too
// ("forecast log.csv -out o" as "forecast -out o log.csv"); "--" ends the
// flags. fs.Args() then holds the positional arguments.
func Parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return &usageError{reported: true, err: err}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(rest[0]) > 1 && rest[0][0] == '-' || len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...) // after "--"
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}

// NoArgs returns a usage error if fs has positional arguments left.
func NoArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return Usagef("unexpected argument %q: %s takes flags only", fs.Arg(0), fs.Name())
	}
	return nil
}

// Input returns the input file of a program that takes it either with the
// flag name (already parsed into fs) or as its one positional argument:
// the argument if there is one, else the flag's value. Two arguments, or an
// argument and the flag set to another file, are a usage error.
func Input(fs *flag.FlagSet, name string) (string, error) {
	f := fs.Lookup(name)
	if f == nil {
		return "", fmt.Errorf("cli: no flag -%s", name)
	}
	switch fs.NArg() {
	case 0:
		if f.Value.String() == "" {
			return "", Usagef("no input file: give -%s FILE, or the file as the argument", name)
		}
		return f.Value.String(), nil
	case 1:
	default:
		return "", Usagef("%d arguments (%s): want one input file, or -%s", fs.NArg(), quoteAll(fs.Args()), name)
	}
	arg, set := fs.Arg(0), false
	if arg == "" {
		return "", Usagef("the input file's name is empty")
	}
	fs.Visit(func(g *flag.Flag) { set = set || g.Name == name })
	if set && f.Value.String() != arg {
		return "", Usagef("two input files: -%s %q and the argument %q: give one", name, f.Value.String(), arg)
	}
	return arg, nil
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, " ")
}

// Status reports err on stderr, prefixed with the program's name, and
// returns the exit status: 0 without an error or for -h, 2 for a usage
// error (with a hint to -h), 1 otherwise.
func Status(name string, err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue) && ue.reported:
		return 2
	case errors.Is(err, ErrUsage):
		fmt.Fprintf(stderr, "%s: %v\n(%s -h lists the flags)\n", name, err, name)
		return 2
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	return 1
}

// Main runs run with the command line's arguments, os.Stdout and
// os.Stderr, and exits with Status.
func Main(name string, run func(args []string, stdout, stderr io.Writer) error) {
	os.Exit(Status(name, run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// ModuleFile returns the path of rel (e.g. "testdata/transactions.csv")
// under the root of the module that holds the working directory, so that a
// program's default input is found from any directory inside the
// repository; rel itself if there is no module root.
func ModuleFile(rel string) string {
	wd, err := os.Getwd()
	if err != nil {
		return rel
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, rel)
		}
		if filepath.Dir(d) == d {
			return rel
		}
	}
}
