module github.com/clvkit/clvkit

go 1.26

require (
	github.com/go-gota/gota v0.12.0
	github.com/sajari/regression v1.0.1
	gonum.org/v1/gonum v0.17.0
)

require (
	golang.org/x/net v0.35.0 // indirect
	golang.org/x/tools v0.30.0 // indirect
)
