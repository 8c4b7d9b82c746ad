package io.cutover.provisioning.adapter.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cutover.provisioning.application.TrafficSwitch;

/**
 * A TCP proxy that applications connect to instead of the database. Its upstream moves without a restart: new
 * connections go to the new upstream, and connections to the old one are closed so that pools reconnect.
 */
public final class SwitchableTcpProxy implements TrafficSwitch, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SwitchableTcpProxy.class);

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
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
        return upstream();
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
                connect(client);
            } catch (IOException e) {
                if (!closed) {
                    log.warn("proxy accept failed: {}", e.getMessage());
                }
            }
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
        pump(client, server, "up");
        pump(server, client, "down");
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[32 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
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
