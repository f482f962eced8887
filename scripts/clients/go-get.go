package main

import (
	"context"
	"net"
	"net/http"
)

// http.Get's defaults (DefaultTransport: HTTP/2 attempted, default tls.Config),
// dialing 127.0.0.1 for "localhost".
func main() {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp4", "127.0.0.1:9404")
	}
	(&http.Client{Transport: tr}).Get("https://localhost:9404/")
}
