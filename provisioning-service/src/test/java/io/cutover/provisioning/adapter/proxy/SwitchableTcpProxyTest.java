package io.cutover.provisioning.adapter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SwitchableTcpProxyTest {

    @Test
    void newConnectionsFollowTheUpstreamAndOldOnesAreClosedOnTheSwitch() throws Exception {
        try (Echo blue = new Echo("blue"); Echo green = new Echo("green");
             SwitchableTcpProxy proxy = new SwitchableTcpProxy("127.0.0.1", 0, "127.0.0.1", blue.port())) {
            Socket before = new Socket("127.0.0.1", proxy.port());
            assertThat(ask(before, "hello")).isEqualTo("blue:hello");

            String upstream = proxy.pointTo("127.0.0.1", green.port());

            assertThat(upstream).isEqualTo("127.0.0.1:" + green.port());
            assertThat(before.getInputStream().read()).isEqualTo(-1);
            try (Socket after = new Socket("127.0.0.1", proxy.port())) {
                assertThat(ask(after, "again")).isEqualTo("green:again");
            }
            assertThat(proxy.pointTo("127.0.0.1", green.port())).isEqualTo(upstream);
            proxy.pointTo("127.0.0.1", blue.port());
            try (Socket back = new Socket("127.0.0.1", proxy.port())) {
                assertThat(ask(back, "back")).isEqualTo("blue:back");
            }
        }
    }

    private static String ask(Socket s, String line) throws IOException {
        PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
        out.println(line);
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    /** A line echo server that prefixes its name, to tell upstreams apart. */
    private static final class Echo implements AutoCloseable {

        private final ServerSocket server = new ServerSocket(0);

        Echo(String name) throws IOException {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread c = new Thread(() -> serve(s, name));
                        c.setDaemon(true);
                        c.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        private static void serve(Socket s, String name) {
            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(s.getOutputStream(), true,
                    StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(name + ":" + line);
                }
            } catch (IOException e) {
                // the proxy closed the connection on a switch
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
