module github.com/ci-doctor/ci-doctor

go 1.26.8

require (
	github.com/coregx/ahocorasick v0.3.1
	go.yaml.in/yaml/v3 v3.0.6
)
