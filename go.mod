module github.com/clvkit/clvkit

go 1.26
