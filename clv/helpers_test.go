package clv_test

import (
	"math"
	"strconv"
)

func strconvParse(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
func nan() float64                           { return math.NaN() }
