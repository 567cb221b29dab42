//go:build !race

package paretonbd

// raceEnabled reports whether the tests run under the race detector.
const raceEnabled = false
