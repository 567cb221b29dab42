//go:build race

package bgnbd_test

const raceEnabled = true
