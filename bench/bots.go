package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/samarbeid/samarbeid/app"
	"github.com/samarbeid/samarbeid/slacklocal"
)

// standInBotToken is the bot token app.Start gives its Slack stand-in (app.localBotToken);
// the second bot instance and the worker process post to the stand-in with it.
const standInBotToken = "xoxb-lokal-samarbeid"

// alternateBots points the stand-in at a small proxy that sends its requests (commands,
// clicks, modal submissions, events) to the two bots in turn, as a load balancer in front of
// two `samarbeid bot` processes would. Both bots share Temporal and the database, so either
// can take any request.
func alternateBots(sl *slacklocal.Server, first, second string) (stop func(), err error) {
	targets := make([]*url.URL, 2)
	for i, u := range []string{first, second} {
		if targets[i], err = url.Parse(u); err != nil {
			return nil, err
		}
	}
	var n atomic.Uint64
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(targets[n.Add(1)%2])
	}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	sl.SetBotURL("http://" + l.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// useTemporalDB sets the embedded Temporal server's storage: sqlite (the default of
// `samarbeid dev`) or postgres (persistence and SQL visibility in PostgreSQL, as a
// production cluster runs). cleanup drops what it made; nil when nothing.
func useTemporalDB(cfg *app.Config, db string) (cleanup func(), err error) {
	switch db {
	case "sqlite", "":
		return func() {}, nil
	case "postgres":
		return usePostgresTemporal(cfg)
	}
	return nil, fmt.Errorf("-temporal-db må være sqlite eller postgres (er %q)", db)
}
