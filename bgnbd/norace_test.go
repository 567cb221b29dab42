//go:build !race

package bgnbd_test

// raceEnabled slows timing bounds: the race detector makes fits 5 to 10
// times slower.
const raceEnabled = false
