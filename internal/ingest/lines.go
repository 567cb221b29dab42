package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// Lines reads a text one line at a time, with bounded memory: a line is
// reported over the limit as soon as its length passes it, without being
// kept, even on an endless stream; the next call skips the rest of it, up
// to SkipLimit times the limit. A gzip stream (magic bytes 1f 8b) is
// decompressed transparently, and a UTF-8 byte-order mark at the start of
// the text is dropped (a spreadsheet's "CSV UTF-8" export starts with one,
// which would otherwise stand before the first field's opening quote).
type Lines struct {
	br   *bufio.Reader
	buf  []byte // a line longer than br's buffer, reused
	max  int
	eof  bool
	rest bool  // the line last reported too long is not read to its end
	err  error // an endless line: every call returns it
}

// SkipLimit bounds the length of a line over the limit that Next skips to
// go on reading, in multiples of the limit: a longer one is not a line of
// a text log (a binary file, an endless stream) and ends reading.
const SkipLimit = 64

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
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		br.Discard(3)
	}
	return &Lines{br: br, max: max}, nil
}

// LongLineError is Next's report of a line over the limit; N counts the
// bytes read of it when it was reported (at least the limit). Binary says
// they held a NUL byte, which no text log has. Endless says the line was
// longer than SkipLimit times the limit: reading cannot go on.
type LongLineError struct {
	N       int
	Binary  bool
	Endless bool
}

// Error returns "line of N bytes or more", saying if it held NUL bytes.
func (e LongLineError) Error() string {
	if e.Binary {
		return fmt.Sprintf("line of %d bytes or more, with NUL bytes: not a text file", e.N)
	}
	return fmt.Sprintf("line of %d bytes or more", e.N)
}

// EOF reports whether the input has ended.
func (l *Lines) EOF() bool { return l.eof }

// Next returns the next line without its line ending ("\n" or "\r\n"),
// valid until the next call, and io.EOF with the last line (which may be
// empty). A line over the limit is a LongLineError as soon as more than
// the limit of it is read; the next call skips the rest of it (an Endless
// LongLineError if that is over SkipLimit times the limit).
func (l *Lines) Next() ([]byte, error) {
	if l.err != nil {
		return nil, l.err
	}
	if l.rest {
		if err := l.skip(); err != nil {
			l.err = err
			return nil, err
		}
		if l.eof {
			return nil, io.EOF
		}
	}
	line, err := l.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		l.buf = append(l.buf[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(l.buf) > l.max+2 { // more than the limit, whatever the line ending
				return nil, l.tooLong()
			}
			line, err = l.br.ReadSlice('\n')
			l.buf = append(l.buf, line...)
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
		return nil, LongLineError{N: len(line), Binary: bytes.IndexByte(line, 0) >= 0}
	}
	return line, err
}

// tooLong reports the line in l.buf, which is not read to its end.
func (l *Lines) tooLong() error {
	e := LongLineError{N: len(l.buf), Binary: bytes.IndexByte(l.buf, 0) >= 0}
	l.buf, l.rest = l.buf[:0], true
	return e
}

// skip reads the rest of a line reported too long.
func (l *Lines) skip() error {
	n := l.max
	for {
		line, err := l.br.ReadSlice('\n')
		n += len(line)
		switch {
		case err == bufio.ErrBufferFull:
			if n > SkipLimit*l.max {
				return LongLineError{N: n, Binary: bytes.IndexByte(line, 0) >= 0, Endless: true}
			}
			continue
		case err == io.EOF:
			l.eof = true
		case err != nil:
			return err
		}
		l.rest = false
		return nil
	}
}

// LimitLines returns a reader of r that fails with a LongLineError once
// more than max bytes pass without a line feed, so that a reader that
// keeps a whole line (encoding/csv) cannot be made to hold more, not even
// by an endless stream. A gzip stream is not decompressed.
func LimitLines(r io.Reader, max int) io.Reader { return &lineLimit{r: r, max: max} }

type lineLimit struct {
	r        io.Reader
	max, run int  // run: bytes since the last line feed
	binary   bool // a NUL byte in the current line
	err      error
}

func (l *lineLimit) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		switch c {
		case '\n':
			l.run, l.binary = 0, false
			continue
		case 0:
			l.binary = true
		}
		if l.run++; l.run > l.max+1 { // a "\r" may end the line
			l.err = LongLineError{N: l.run, Binary: l.binary, Endless: true}
			return i, l.err
		}
	}
	return n, err
}

// SkipBOM returns a reader of r without the UTF-8 byte-order mark it may
// start with (a spreadsheet's "CSV UTF-8" export has one, before the
// header's first quote), for the readers that do not go through Lines.
func SkipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		br.Discard(3)
	}
	return br
}
