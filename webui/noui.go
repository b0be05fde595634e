//go:build noui

package webui

import "errors"

// Server is a running Web UI; a build with the tag noui has none.
type Server struct{ URL string }

// Start says the UI is not in this build. The production image is built with -tags noui:
// only `samarbeid dev` serves Temporal's Web UI, and its embedded assets (about 290 MB)
// would otherwise sit in every worker's and bot's executable, and much of them in its
// resident memory (docs/BENCHMARKS.md, issue 12).
func Start(temporalAddr, namespace string, port int, codecEndpoint, language string) (*Server, error) {
	return nil, errors.New("Temporal-grensesnittet er ikke med i denne bygget (-tags noui)")
}

// Stop does nothing.
func (s *Server) Stop() {}
