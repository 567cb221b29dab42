package csvio_test

import (
	"strconv"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func strconvParse(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
