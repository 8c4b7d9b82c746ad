package io.cutover.validation.adapter.jdbc;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

import io.cutover.schemas.DatabaseEndpoint;

/**
 * What the network says about an endpoint before any login: the name resolves (and to what), the port accepts TCP,
 * and the server offers TLS (PostgreSQL's SSLRequest, answered S or N).
 */
final class NetworkProbe {

    private static final int SSL_REQUEST_CODE = 80877103;
    private static final List<String> TLS_REQUIRED = List.of("require", "verify-ca", "verify-full");

    private NetworkProbe() {
    }

    /** @return true when the endpoint can be reached, so that the database checks are worth running */
    static boolean check(String role, DatabaseEndpoint e, List<String> passed, List<String> problems) {
        String where = role + " " + e.getHost() + ":" + e.getPort();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(e.getHost());
        } catch (UnknownHostException ex) {
            problems.add(role + " host " + e.getHost() + " does not resolve");
            return false;
        }
        passed.add(role + " host " + e.getHost() + " resolves to " + String.join(", ",
                Arrays.stream(addresses).map(InetAddress::getHostAddress).toList()));
        boolean tls;
        long started = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(addresses[0], e.getPort()), 5_000);
            s.setSoTimeout(5_000);
            passed.add(where + " accepts TCP connections (" + (System.nanoTime() - started) / 1_000_000 + " ms)");
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(8);
            out.writeInt(SSL_REQUEST_CODE);
            out.flush();
            tls = new DataInputStream(s.getInputStream()).read() == 'S';
        } catch (IOException ex) {
            problems.add(where + " does not accept TCP connections: " + ex.getMessage());
            return false;
        }
        String sslmode = e.getOptions().get("sslmode");
        if (tls) {
            passed.add(where + " offers TLS");
        } else if (sslmode != null && TLS_REQUIRED.contains(sslmode)) {
            problems.add(where + " does not offer TLS, but the plan requires it (sslmode=" + sslmode + ")");
        } else {
            passed.add(where + " does not offer TLS; the plan does not require it");
        }
        return true;
    }
}
