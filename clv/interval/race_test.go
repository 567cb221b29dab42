//go:build race

package interval_test

const raceEnabled = true
