module create-containerized-app/tools/dockerignore-match

go 1.26.0

require github.com/moby/patternmatcher v0.6.1
