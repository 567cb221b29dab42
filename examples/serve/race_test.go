//go:build race

package main

// raceEnabled: the race detector is on, and slows the load test tenfold.
const raceEnabled = true
