// Package readme finds the commands a Markdown file shows, so that tests
// run the example programs with exactly the arguments their documentation
// gives (README and tests cannot drift apart). It is test support: no
// program links it.
package readme

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Command is one "go run" command shown in the file.
type Command struct {
	Dir  string   // the directory it runs in, relative to the file's ("" for the file's own); from a leading "cd DIR &&"
	Pkg  string   // the package run, as written ("./examples/forecast", ".")
	Args []string // its arguments, unquoted as a POSIX shell would
	Line int      // the line of the file where it starts
}

// String returns the command as a shell would read it.
func (c Command) String() string {
	s := "go run " + c.Pkg
	for _, a := range c.Args {
		if strings.ContainsAny(a, " *'\"$\\") || a == "" {
			a = "'" + a + "'"
		}
		s += " " + a
	}
	if c.Dir != "" {
		s = "cd " + c.Dir + " && " + s
	}
	return s
}

// Commands returns the "go run" commands of the Markdown file at path, in
// fenced code blocks (a line, with its continuation lines ending in "\")
// and in inline code spans (which may wrap), in the order they appear.
func Commands(path string) ([]Command, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(b), "\n")
	var out []Command
	add := func(text string, line int) error {
		if !strings.Contains(text, "go run ") {
			return nil
		}
		c, err := parse(text)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", filepath.Base(path), line, err)
		}
		c.Line = line
		out = append(out, c)
		return nil
	}
	var prose []string // lines of prose since the last fence, for inline spans
	proseStart := 1
	flush := func() error {
		text := strings.Join(prose, "\n")
		for {
			i := strings.IndexByte(text, '`')
			if i < 0 {
				break
			}
			j := strings.IndexByte(text[i+1:], '`')
			if j < 0 {
				break
			}
			span := text[i+1 : i+1+j]
			line := proseStart + strings.Count(text[:i], "\n")
			if err := add(strings.Join(strings.Fields(span), " "), line); err != nil {
				return err
			}
			proseStart += strings.Count(text[:i+j+2], "\n")
			text = text[i+j+2:]
		}
		prose = prose[:0]
		return nil
	}
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(strings.TrimSpace(lines[i]), "```") {
			if len(prose) == 0 {
				proseStart = i + 1
			}
			prose = append(prose, lines[i])
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "```"); i++ {
			start, cmd := i+1, strings.TrimSpace(lines[i])
			for strings.HasSuffix(cmd, `\`) && i+1 < len(lines) {
				i++
				cmd = strings.TrimSuffix(cmd, `\`) + " " + strings.TrimSpace(lines[i])
			}
			if strings.HasPrefix(cmd, "go run ") || strings.HasPrefix(cmd, "cd ") {
				if err := add(cmd, start); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// parse reads "[cd DIR &&] go run PKG ARGS...".
func parse(text string) (Command, error) {
	words, err := split(text)
	if err != nil {
		return Command{}, err
	}
	var c Command
	if len(words) >= 3 && words[0] == "cd" && words[2] == "&&" {
		c.Dir, words = words[1], words[3:]
	}
	if len(words) < 3 || words[0] != "go" || words[1] != "run" {
		return c, fmt.Errorf("not a go run command: %q", text)
	}
	c.Pkg, c.Args = words[2], words[3:]
	for _, w := range c.Args {
		if w == "&&" || w == "|" || w == ";" || w == ">" {
			return c, fmt.Errorf("%q: more than one command", text)
		}
	}
	return c, nil
}

// split splits a command line into words as a POSIX shell does, with
// single and double quotes (no expansions).
func split(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0 && ch == quote:
			quote = 0
		case quote != 0:
			w.WriteByte(ch)
		case ch == '\'' || ch == '"':
			quote, in = ch, true
		case ch == ' ' || ch == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteByte(ch)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", s)
	}
	if in {
		words = append(words, w.String())
	}
	return words, nil
}

// Redirect returns args with the value of the flag name (e.g. "-out") set
// to value, appending the flag if args lack it: a test sends a command's
// output to its temporary directory.
func Redirect(args []string, name, value string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		switch {
		case (a == name || a == "-"+name) && i+1 < len(out):
			out[i+1] = value
			return out
		case strings.HasPrefix(a, name+"=") || strings.HasPrefix(a, "-"+name+"="):
			out[i] = name + "=" + value
			return out
		}
	}
	return append(out, name, value)
}

// For returns the commands of the Markdown file at path that run pkg in
// dir (as Command.Dir and Command.Pkg), failing tb if there are none.
func For(tb testing.TB, path, dir, pkg string) []Command {
	tb.Helper()
	cmds, err := Commands(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []Command
	for _, c := range cmds {
		if c.Dir == dir && c.Pkg == pkg {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("%s shows no command running %s in %q", path, pkg, dir)
	}
	return out
}
