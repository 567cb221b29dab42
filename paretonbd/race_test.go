//go:build race

package paretonbd_test

const raceEnabled = true
