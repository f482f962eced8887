// A real Java client for the client-simulation tests (relay/tests/clients_real.rs):
// JSSE with its default protocols, suites, groups and algorithm constraints
// (the JDK's java.security), trusting only the test CA.
//
//   java Probe.java PORT SERVERNAME CAFILE
//
// Prints "OK protocol suite" and exits 0 when the handshake (and the
// certificate check, hostname included) succeeds, else "FAIL reason" and 1.
import java.io.FileInputStream;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class Probe {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String name = args[1];
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        try (FileInputStream in = new FileInputStream(args[2])) {
            int i = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                anchors.setCertificateEntry("anchor" + i++, (X509Certificate) c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (Socket plain = new Socket("127.0.0.1", port);
             SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, name, port, true)) {
            s.setSoTimeout(10000);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setServerNames(List.of(new SNIHostName(name)));
            s.setSSLParameters(p);
            s.startHandshake();
            System.out.println("OK " + s.getSession().getProtocol() + " " + s.getSession().getCipherSuite());
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            System.out.println("FAIL " + e + (root != e ? " / " + root : ""));
            System.exit(1);
        }
    }
}
