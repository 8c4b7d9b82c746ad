package io.cutover.provisioning.adapter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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

    @Test
    void heldQueriesWaitAndThenReachTheNewUpstream() throws Exception {
        try (Echo blue = new Echo("blue"); Echo green = new Echo("green");
             SwitchableTcpProxy proxy = new SwitchableTcpProxy("127.0.0.1", 0, "127.0.0.1", blue.port())) {
            Socket open = new Socket("127.0.0.1", proxy.port());
            assertThat(ask(open, "first")).isEqualTo("blue:first");

            proxy.hold(Duration.ofSeconds(30));
            CompletableFuture<String> onOpen = CompletableFuture.supplyAsync(() -> quietly(open, "during"));
            CompletableFuture<String> onNew = CompletableFuture.supplyAsync(() -> {
                try (Socket fresh = new Socket("127.0.0.1", proxy.port())) {
                    return ask(fresh, "new");
                } catch (IOException e) {
                    return "failed: " + e.getMessage();
                }
            });
            Thread.sleep(300);
            assertThat(onOpen).isNotDone();
            assertThat(onNew).isNotDone();

            proxy.pointTo("127.0.0.1", green.port());

            // the held query on the old connection never reached blue; the new connection went to green
            assertThat(onOpen.get(5, TimeUnit.SECONDS)).isNull();
            assertThat(onNew.get(5, TimeUnit.SECONDS)).isEqualTo("green:new");
            assertThat(proxy.holding()).isFalse();
        }
    }

    @Test
    void aHoldEndsByItselfAtItsLimitAndAReleaseLetsQueriesGoOn() throws Exception {
        try (Echo blue = new Echo("blue");
             SwitchableTcpProxy proxy = new SwitchableTcpProxy("127.0.0.1", 0, "127.0.0.1", blue.port())) {
            Socket open = new Socket("127.0.0.1", proxy.port());
            proxy.hold(Duration.ofMillis(200));
            long started = System.nanoTime();
            assertThat(ask(open, "late")).isEqualTo("blue:late");
            assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(150);

            proxy.hold(Duration.ofSeconds(30));
            CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> quietly(open, "again"));
            Thread.sleep(100);
            assertThat(held).isNotDone();
            assertThat(proxy.release()).isGreaterThanOrEqualTo(100);
            assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("blue:again");
            assertThat(proxy.release()).isZero();
        }
    }

    private static String quietly(Socket s, String line) {
        try {
            return ask(s, line);
        } catch (IOException e) {
            return null;
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
