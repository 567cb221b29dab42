package ingest

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
)

// Lines reads a text one line at a time, with bounded memory: a line over
// the limit is read to its end without being kept. A gzip stream (magic
// bytes 1f 8b) is decompressed transparently.
type Lines struct {
	br  *bufio.Reader
	buf []byte // a line longer than br's buffer, reused
	max int
	eof bool
}

// NewLines returns a Lines reading r, with lines of at most max bytes
// (line ending not counted). A gzip stream whose header cannot be read is
// an error.
func NewLines(r io.Reader, max int) (*Lines, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	return &Lines{br: br, max: max}, nil
}

// LongLineError is Next's report of a line over the limit; N counts its
// bytes (at least).
type LongLineError struct{ N int }

// Error returns "line of N bytes".
func (e LongLineError) Error() string { return fmt.Sprintf("line of %d bytes", e.N) }

// EOF reports whether the input has ended.
func (l *Lines) EOF() bool { return l.eof }

// Next returns the next line without its line ending ("\n" or "\r\n"),
// valid until the next call, and io.EOF with the last line (which may be
// empty). A line over the limit is a LongLineError; reading may go on
// after it.
func (l *Lines) Next() ([]byte, error) {
	line, err := l.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		l.buf = append(l.buf[:0], line...)
		n := len(line)
		for err == bufio.ErrBufferFull {
			line, err = l.br.ReadSlice('\n')
			n += len(line)
			if n > l.max+2 {
				l.buf = l.buf[:0]
				continue
			}
			l.buf = append(l.buf, line...)
		}
		if n > l.max+2 {
			if err != nil && err != io.EOF {
				return nil, err
			}
			if err == io.EOF {
				l.eof = true
			}
			return nil, LongLineError{n}
		}
		line = l.buf
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	if err == io.EOF {
		l.eof = true
	}
	if len(line) > l.max {
		return nil, LongLineError{len(line)}
	}
	return line, err
}
