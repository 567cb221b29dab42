package ingest

import (
	"bytes"
	"fmt"
)

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// Split appends the fields of line to dst[:0] and returns them. delim
// separates fields; ' ' means runs of blanks (spaces and tabs), leading
// and trailing blanks ignored. A field may be quoted with '"' (a quote
// inside written twice, blanks around the quotes ignored); a quoted field
// cannot span lines. Unquoted fields alias line; quoted ones are new
// slices. A malformed quoted field is an error wrapping ErrBadQuote.
func Split(dst [][]byte, line []byte, delim byte) ([][]byte, error) {
	fields := dst[:0]
	if delim == ' ' {
		i := 0
		for {
			for i < len(line) && isBlank(line[i]) {
				i++
			}
			if i == len(line) {
				return fields, nil
			}
			if line[i] == '"' {
				f, n, err := unquote(line[i:])
				if err != nil {
					return fields, err
				}
				fields = append(fields, f)
				i += n
				if i < len(line) && !isBlank(line[i]) {
					return fields, fmt.Errorf("%w: text after closing quote", ErrBadQuote)
				}
				continue
			}
			j := i
			for j < len(line) && !isBlank(line[j]) {
				j++
			}
			fields = append(fields, line[i:j])
			i = j
		}
	}
	i := 0
	for {
		// Skip blanks before a quoted field: `a, "b"`.
		k := i
		for k < len(line) && isBlank(line[k]) && line[k] != delim {
			k++
		}
		if k < len(line) && line[k] == '"' {
			f, n, err := unquote(line[k:])
			if err != nil {
				return fields, err
			}
			fields = append(fields, f)
			i = k + n
			for i < len(line) && isBlank(line[i]) && line[i] != delim {
				i++
			}
			if i == len(line) {
				return fields, nil
			}
			if line[i] != delim {
				return fields, fmt.Errorf("%w: text after closing quote", ErrBadQuote)
			}
			i++
			continue
		}
		j := bytes.IndexByte(line[i:], delim)
		if j < 0 {
			return append(fields, line[i:]), nil
		}
		fields = append(fields, line[i:i+j])
		i += j + 1
	}
}

// unquote parses the quoted field at the start of s, returning its content
// (a new slice) and the number of bytes consumed.
func unquote(s []byte) ([]byte, int, error) {
	var f []byte
	i := 1
	for {
		j := bytes.IndexByte(s[i:], '"')
		if j < 0 {
			return nil, 0, fmt.Errorf("%w: no closing quote on the line", ErrBadQuote)
		}
		f = append(f, s[i:i+j]...)
		i += j + 1
		if i < len(s) && s[i] == '"' {
			f = append(f, '"')
			i++
			continue
		}
		return f, i, nil
	}
}
