// Package csvline reads records from an encoding/csv Reader together with
// the line each starts on, also for a record the Reader rejected (where
// csv.Reader.FieldPos would panic).
package csvline

import (
	"encoding/csv"
	"errors"
)

// Read returns the next record of cr, the line it starts on and Read's
// error. For a *csv.ParseError the line is the error's StartLine and
// perr is that error; for io.EOF or another error the line is 0.
func Read(cr *csv.Reader) (rec []string, line int, perr *csv.ParseError, err error) {
	rec, err = cr.Read()
	switch {
	case err == nil:
		line, _ = cr.FieldPos(0)
	case errors.As(err, &perr):
		line = perr.StartLine
	}
	return rec, line, perr, err
}
