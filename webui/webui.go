//go:build !noui

// Package webui serves Temporal's own Web UI (its Go ui-server module) beside `samarbeid
// dev`, so the KE and auditors can filter running cases by step, deadline and overdue with
// samarbeid's search attributes.
package webui

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/temporalio/ui-server/v2/server"
	"github.com/temporalio/ui-server/v2/server/config"
	"github.com/temporalio/ui-server/v2/server/server_options"

	"github.com/samarbeid/samarbeid/i18n"
)

// Server is a running Web UI.
type Server struct {
	inner *server.Server
	URL   string
}

// Start serves the UI on 127.0.0.1:port against the Temporal frontend at temporalAddr.
// The ui-server exits the whole process when it cannot listen, so the port is tried first.
// codecEndpoint is samarbeid's codec endpoint (its /decode decrypts the histories' payloads);
// the browser calls it with its cookies, so the session from the endpoint's /login page
// goes along. Empty: the UI shows payloads as they are stored (encrypted). language is the
// workspace's, for the UI's note when it cannot decrypt.
func Start(temporalAddr, namespace string, port int, codecEndpoint, language string) (*Server, error) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("Temporal-grensesnittet kan ikke lytte på %s: %w", addr, err)
	}
	l.Close()
	cfg := &config.Config{
		TemporalGRPCAddress: temporalAddr,
		Host:                "127.0.0.1",
		Port:                port,
		EnableUI:            true,
		DefaultNamespace:    namespace,
		HideLogs:            true,
		RefreshInterval:     time.Minute,
		// Plain HTTP on localhost: the CSRF cookie must not demand TLS.
		CORS: config.CORS{CookieInsecure: true},
	}
	if codecEndpoint != "" {
		cfg.Codec = config.Codec{Endpoint: codecEndpoint, IncludeCredentials: true,
			DefaultErrorMessage: i18n.For(language).T("codec.ui_error", "Login", codecEndpoint+"/login"),
			DefaultErrorLink:    codecEndpoint + "/login"}
	}
	s := &Server{inner: server.NewServer(server_options.WithConfigProvider(cfg)), URL: "http://" + addr}
	go func() { _ = s.inner.Start() }()
	return s, nil
}

// Stop closes the UI server.
func (s *Server) Stop() { s.inner.Stop() }
