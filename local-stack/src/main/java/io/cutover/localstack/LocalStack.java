package io.cutover.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.cutover.coordinator.CoordinatorApplication;
import io.cutover.notification.NotificationApplication;
import io.cutover.provisioning.ProvisioningApplication;
import io.cutover.provisioning.adapter.proxy.SwitchableTcpProxy;
import io.cutover.replication.ReplicationApplication;
import io.cutover.replication.adapter.cdc.PostgresOnlineReplication;
import io.cutover.validation.ValidationApplication;

/**
 * The whole system in one JVM: a KRaft broker, PostgreSQL source and target, an SMTP server, and the five services,
 * each in its own Spring context talking to the others only through Kafka, as they would as separate processes.
 */
public final class LocalStack implements AutoCloseable {

    private final Path dir;
    private final List<ConfigurableApplicationContext> services = new ArrayList<>();
    private final int adminPort;
    private final int smtpPort = Ports.free();
    private EmbeddedKafka kafka;
    private DatabaseServers databases;
    private GreenMail smtp;
    private SwitchableTcpProxy proxy;

    private LocalStack(Path dir, int adminPort) {
        this.dir = dir;
        this.adminPort = adminPort == 0 ? Ports.free() : adminPort;
    }

    private void startAll(DatabaseServers external) throws IOException {
        kafka = new EmbeddedKafka(dir.resolve("kafka"));
        databases = external != null ? external : new EmbeddedDatabases(dir.resolve("postgres"));
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        services.add(startCoordinator(dir.resolve("coordinator-state")));
        ConfigurableApplicationContext provisioning = start(ProvisioningApplication.builder(), Map.of(
                "cutover.provisioning.proxy.listen-port", "0",
                "cutover.provisioning.proxy.upstream-host", "127.0.0.1",
                "cutover.provisioning.proxy.upstream-port", String.valueOf(databases.sourcePort())));
        services.add(provisioning);
        proxy = provisioning.getBean(SwitchableTcpProxy.class);
        services.add(start(ReplicationApplication.builder(), Map.of()));
        services.add(start(ValidationApplication.builder(), Map.of()));
        services.add(start(NotificationApplication.builder(), Map.of(
                "spring.mail.host", "127.0.0.1",
                "spring.mail.port", String.valueOf(smtpPort))));
    }

    private ConfigurableApplicationContext startCoordinator(Path stateDir) {
        return start(CoordinatorApplication.builder(), Map.of(
                "server.port", String.valueOf(adminPort),
                "server.address", "127.0.0.1",
                "cutover.coordinator.state-dir", stateDir.toString()));
    }

    /**
     * Stops the coordinator and starts a new one with an empty state directory, as on a new machine: it must rebuild
     * the saga state from Kafka alone.
     */
    public void restartCoordinator() throws IOException {
        services.get(0).close();
        services.set(0, startCoordinator(Files.createTempDirectory(dir, "coordinator-state-")));
    }

    /**
     * Stops the replication service and starts a new one, as after a crash of its machine: whatever it was doing
     * is gone, and the coordinator's re-sent command must find its state in the databases.
     */
    public void restartReplication() {
        services.get(2).close();
        services.set(2, start(ReplicationApplication.builder(), Map.of()));
    }

    /** The figures of the cutover's change stream in the replication service; none while no stream runs. */
    public Map<String, Long> streamFigures(String cutoverId) {
        ConfigurableApplicationContext replication = services.get(2);
        return replication.isActive()
                ? replication.getBean(PostgresOnlineReplication.class).figures(cutoverId) : Map.of();
    }

    /** Starts everything under {@code dir}; adminPort 0 picks a free port. */
    public static LocalStack start(Path dir, int adminPort) throws IOException {
        return start(dir, adminPort, null);
    }

    /** As {@link #start(Path, int)}, with the given PostgreSQL servers instead of embedded ones when not null. */
    public static LocalStack start(Path dir, int adminPort, DatabaseServers external) throws IOException {
        Files.createDirectories(dir);
        LocalStack stack = new LocalStack(dir, adminPort);
        try {
            stack.startAll(external);
            return stack;
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private ConfigurableApplicationContext start(SpringApplicationBuilder builder, Map<String, String> own) {
        Map<String, Object> props = new LinkedHashMap<>(own);
        props.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        props.put("spring.main.banner-mode", "off");
        props.put("spring.main.log-startup-info", "false");
        props.put("cutover.participant.beat-interval", "1s");
        // as arguments, not defaults: they must win over each service's own configuration file
        return builder.run(props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new));
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort;
    }

    public DatabaseServers databases() {
        return databases;
    }

    public SwitchableTcpProxy proxy() {
        return proxy;
    }

    public GreenMail smtp() {
        return smtp;
    }

    public int smtpPort() {
        return smtpPort;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Stops the services, the SMTP server and Kafka, newest first, and keeps the PostgreSQL servers: the benchmarks
     * that follow a cutover measure the data path alone, without an idle control plane sharing the cores.
     */
    public synchronized void stopControlPlane() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        services.clear();
        if (smtp != null) {
            smtp.stop();
            smtp = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** Stops whatever started, newest first; also from a shutdown hook while the run that started it goes on. */
    @Override
    public synchronized void close() throws IOException {
        stopControlPlane();
        if (databases != null) {
            databases.close();
        }
    }
}
