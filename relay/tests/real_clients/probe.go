// A real Go client for the client-simulation tests (relay/tests/clients_real.rs):
// crypto/tls with its defaults (Debian's Go), trusting only the test CA.
//
//	go build -o probe probe.go && ./probe PORT SERVERNAME CAFILE
//
// Prints "OK protocol suite" and exits 0 when the handshake (and the
// certificate check, hostname included) succeeds, else "FAIL reason" and 1.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"time"
)

func main() {
	pem, err := os.ReadFile(os.Args[3])
	if err != nil {
		fmt.Println("FAIL", err)
		os.Exit(2)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	conn, err := tls.DialWithDialer(dialer, "tcp", "127.0.0.1:"+os.Args[1], &tls.Config{
		ServerName: os.Args[2],
		RootCAs:    roots,
	})
	if err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	defer conn.Close()
	st := conn.ConnectionState()
	fmt.Println("OK", versionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
}

// versionName spells a protocol version (tls.VersionName is Go 1.21+;
// Debian 12 ships Go 1.19).
func versionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLSv1.0"
	case tls.VersionTLS11:
		return "TLSv1.1"
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}
