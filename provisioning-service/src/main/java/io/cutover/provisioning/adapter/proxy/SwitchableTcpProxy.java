package io.cutover.provisioning.adapter.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cutover.provisioning.application.TrafficSwitch;

/**
 * A TCP proxy that applications connect to instead of the database. Its upstream moves without a restart: new
 * connections go to the new upstream, and connections to the old one are closed so that pools reconnect. While
 * traffic is held, new connections wait before they reach any upstream and bytes from applications wait before
 * they reach the database, so that no new query starts during a switch.
 */
public final class SwitchableTcpProxy implements TrafficSwitch, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SwitchableTcpProxy.class);

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final Gate gate = new Gate();
    private volatile InetSocketAddress upstream;
    private volatile boolean closed;

    public SwitchableTcpProxy(String listenHost, int listenPort, String upstreamHost, int upstreamPort)
            throws IOException {
        this.upstream = InetSocketAddress.createUnresolved(upstreamHost, upstreamPort);
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(listenHost, listenPort));
        Thread acceptor = new Thread(this::acceptLoop, "cutover-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("proxy listening on {}:{} -> {}", listenHost, port(), upstream());
    }

    public int port() {
        return server.getLocalPort();
    }

    public long connectionsAccepted() {
        return accepted.get();
    }

    @Override
    public synchronized String pointTo(String host, int port) {
        InetSocketAddress next = InetSocketAddress.createUnresolved(host, port);
        if (!next.equals(upstream)) {
            upstream = next;
            int ended = open.size();
            open.forEach(SwitchableTcpProxy::closeQuietly);
            log.info("proxy now sends new connections to {}; ended {} old sockets", upstream(), ended);
        }
        long held = gate.open();
        if (held > 0) {
            log.info("proxy released traffic held for {} ms", held);
        }
        return upstream();
    }

    @Override
    public void hold(Duration maxHold) {
        gate.close(maxHold);
        log.info("proxy holds new connections and queries (at most {})", maxHold);
    }

    @Override
    public long release() {
        long held = gate.open();
        log.info("proxy released traffic held for {} ms, to {}", held, upstream());
        return held;
    }

    public boolean holding() {
        return gate.isClosed();
    }

    @Override
    public String upstream() {
        return upstream.getHostString() + ":" + upstream.getPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                if (gate.isClosed()) {
                    Thread waiter = new Thread(() -> connectAfterHold(client), "cutover-proxy-held");
                    waiter.setDaemon(true);
                    waiter.start();
                } else {
                    connect(client);
                }
            } catch (IOException e) {
                if (!closed) {
                    log.warn("proxy accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void connectAfterHold(Socket client) {
        try {
            gate.pass();
            connect(client);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(client);
        }
    }

    private void connect(Socket client) {
        InetSocketAddress target = upstream;
        Socket server;
        try {
            server = new Socket(target.getHostString(), target.getPort());
            server.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
        } catch (IOException e) {
            log.warn("proxy cannot reach upstream {}: {}", target, e.getMessage());
            closeQuietly(client);
            return;
        }
        open.add(client);
        open.add(server);
        pump(client, server, "up", true);
        pump(server, client, "down", false);
    }

    private void pump(Socket from, Socket to, String direction, boolean gated) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[32 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (gated) {
                        gate.pass();
                    }
                    if (to.isClosed()) {
                        break; // a switch ended this connection while its query was held: it never ran
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SocketException e) {
                // the other side or a switch closed the connection: the normal end of a session
            } catch (IOException e) {
                log.debug("proxy {} stream ended: {}", direction, e.getMessage());
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "cutover-proxy-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            log.debug("closing proxy socket: {}", e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        open.forEach(SwitchableTcpProxy::closeQuietly);
    }
}
