package io.cutover.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cutover.schemas.Command;
import io.cutover.schemas.DataTransferFailed;
import io.cutover.schemas.DataTransferred;
import io.cutover.schemas.DatabaseEndpoint;
import io.cutover.schemas.Envelopes;
import io.cutover.schemas.TransferData;

class JobsTest {

    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final Jobs jobs = new Jobs((cause, payload) -> sent.add(cause.getEnvelope().getAttempt() + ":"
            + payload.getSchema().getName()), Duration.ofMillis(50), 4);

    @AfterEach
    void close() {
        jobs.close();
    }

    @Test
    void theSameCommandDeliveredTwiceAtOnceRunsTheWorkOnce() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Job slow = Job.of(p -> {
            runs.incrementAndGet();
            release.await(5, TimeUnit.SECONDS);
            return new DataTransferred("done", Map.of());
        }, (reason, p) -> new DataTransferFailed(reason, Map.of()));
        Thread first = new Thread(() -> jobs.run(command(1), slow));
        Thread second = new Thread(() -> jobs.run(command(2), slow));
        first.start();
        second.start();
        first.join();
        second.join();
        Thread.sleep(200);
        release.countDown();

        awaitSent("DataTransferred");
        assertThat(runs).hasValue(1);
        assertThat(sent).filteredOn(s -> s.endsWith("WorkStarted")).hasSize(2);
        assertThat(sent).filteredOn(s -> s.endsWith("WorkProgressed")).isNotEmpty();
        assertThat(sent).filteredOn(s -> s.endsWith("DataTransferred")).hasSize(1);
    }

    @Test
    void aFailingJobReportsItsTypedFailureWithTheCause() throws Exception {
        jobs.run(command(1), Job.of(p -> {
            throw new IllegalStateException("disk full");
        }, (reason, p) -> new DataTransferFailed(reason, Map.of())));

        awaitSent("DataTransferFailed");
        assertThat(sent).containsExactly("1:DataTransferFailed");
    }

    @Test
    void workThatEndsAtOnceSendsItsOutcomeAloneAndLongerWorkIsAcknowledgedFirst() throws Exception {
        Duration after = Duration.ofSeconds(1);
        Jobs patient = new Jobs((cause, payload) -> sent.add(cause.getEnvelope().getAttempt() + ":"
                + payload.getSchema().getName()), Duration.ofSeconds(10), 2, after);
        try {
            patient.run(command(1), Job.of(p -> new DataTransferred("done", Map.of()),
                    (reason, p) -> new DataTransferFailed(reason, Map.of())));
            awaitSent("DataTransferred");
            Thread.sleep(after.toMillis() + 200); // an acknowledgement would have gone by now
            assertThat(sent).containsExactly("1:DataTransferred");

            sent.clear();
            patient.run(command(2), Job.of(p -> {
                awaitSent("WorkStarted"); // work that outlasts the wait
                return new DataTransferred("done", Map.of());
            }, (reason, p) -> new DataTransferFailed(reason, Map.of())));
            awaitSent("DataTransferred");
            assertThat(sent).containsExactly("2:WorkStarted", "2:DataTransferred");
        } finally {
            patient.close();
        }
    }

    @Test
    void aCommandDeliveredAgainAfterItsWorkEndedRunsAgainForItsOwnCheckpointsToSkip() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Job quick = Job.of(p -> {
            runs.incrementAndGet();
            return new DataTransferred("done", Map.of());
        }, (reason, p) -> new DataTransferFailed(reason, Map.of()));

        jobs.run(command(1), quick);
        awaitSent("DataTransferred");
        jobs.run(command(1), quick);
        awaitCount("DataTransferred", 2);

        assertThat(runs).hasValue(2);
    }

    @Test
    void aJobThatDiesOfAnErrorCanRunAgainWhenTheCommandIsResent() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Job dying = Job.of(p -> {
            if (runs.incrementAndGet() == 1) {
                throw new StackOverflowError("deep");
            }
            return new DataTransferred("done", Map.of());
        }, (reason, p) -> new DataTransferFailed(reason, Map.of()));

        jobs.run(command(1), dying);
        long deadline = System.currentTimeMillis() + 5_000;
        while (runs.get() < 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        jobs.run(command(2), dying);
        awaitSent("DataTransferred");

        assertThat(runs).hasValue(2);
        assertThat(sent).filteredOn(s -> s.endsWith("DataTransferred")).containsExactly("2:DataTransferred");
    }

    private void awaitSent(String name) throws InterruptedException {
        awaitCount(name, 1);
    }

    private void awaitCount(String name, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (sent.stream().filter(s -> s.endsWith(name)).count() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    private static Command command(int attempt) {
        DatabaseEndpoint e = DatabaseEndpoint.newBuilder().setHost("h").setPort(1).setDatabase("d").setUser("u")
                .setPassword("p").build();
        SpecificRecord payload = new TransferData(e, e, List.of(), 2);
        return new Command(Envelopes.command("c-1", "TRANSFER_DATA", attempt, "TransferData", Instant.EPOCH),
                payload);
    }
}
