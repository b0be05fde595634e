//go:build !noui

package webui

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/devserver"
)

func TestServesUIAndNamespaces(t *testing.T) {
	dev, err := devserver.Start(devserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := dev.Dial(ctx, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()

	port, err := devserver.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	ui, err := Start(dev.HostPort(), dev.Namespace(), port, "http://127.0.0.1:8080/codec", "nb")
	if err != nil {
		t.Fatal(err)
	}
	defer ui.Stop()

	get := func(path string) string {
		t.Helper()
		var lastErr error
		for i := 0; i < 50; i++ {
			resp, err := http.Get(ui.URL + path)
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return string(body)
				}
				lastErr = err
			} else {
				lastErr = err
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("GET %s: %v", path, lastErr)
		return ""
	}
	if page := get("/"); !strings.Contains(page, "<html") {
		t.Fatalf("no UI page: %.200s", page)
	}
	if ns := get("/api/v1/namespaces"); !strings.Contains(ns, `"default"`) {
		t.Fatalf("namespaces through the UI's API: %.300s", ns)
	}
	// The UI tells the browser to decode payloads through samarbeid's codec endpoint.
	if s := get("/api/v1/settings"); !strings.Contains(s, "http://127.0.0.1:8080/codec") {
		t.Fatalf("settings name no codec endpoint: %.500s", s)
	}
	// A second UI on the same port is refused with an error, not by ending the process.
	if _, err := Start(dev.HostPort(), dev.Namespace(), port, "", ""); err == nil {
		t.Fatal("second UI on a taken port started")
	}
}
