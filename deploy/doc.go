// Package deploy checks samarbeid's deployment files (docker-compose.yml, Dockerfile). There
// is no Docker engine on the build machines, so the compose file is loaded and checked with
// the compose specification's own Go loader instead of being run.
package deploy
