package io.cutover.kit;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cutover.schemas.Command;
import io.cutover.schemas.WorkProgressed;
import io.cutover.schemas.WorkStarted;

/**
 * Runs commands off the listener thread: acknowledges (WorkStarted) unless the work ends first, beats at a steady
 * interval (WorkProgressed), then reports the outcome. A command for work already running here (a redelivery or a
 * re-send) is acknowledged at once but not started twice. The idempotency key is cutover id + step + command name.
 */
public final class Jobs implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Jobs.class);
    /**
     * Work that ends within this (or the beat interval, when shorter) sends its outcome alone. The steps of the
     * switch take milliseconds each, inside the applications' write stall: an acknowledgement just ahead of the
     * outcome would only hold the outcome up at the coordinator, behind one more transaction to commit there.
     */
    private static final Duration ACKNOWLEDGE_AFTER = Duration.ofMillis(200);

    private final Outcomes outcomes;
    private final Duration beatInterval;
    private final Duration acknowledgeAfter;
    private final ExecutorService workers;
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "cutover-beat"));
    private final Map<String, Progress> running = new ConcurrentHashMap<>();
    private volatile boolean closing;

    public Jobs(Outcomes outcomes, Duration beatInterval, int workers) {
        this(outcomes, beatInterval, workers, ACKNOWLEDGE_AFTER);
    }

    Jobs(Outcomes outcomes, Duration beatInterval, int workers, Duration acknowledgeAfter) {
        this.outcomes = outcomes;
        this.beatInterval = beatInterval;
        this.acknowledgeAfter = acknowledgeAfter;
        this.workers = Executors.newFixedThreadPool(workers, r -> daemon(r, "cutover-job"));
    }

    public void run(Command command, Job job) {
        String key = command.getEnvelope().getCutoverId() + ":" + command.getEnvelope().getStep() + ":"
                + command.getPayload().getClass().getSimpleName();
        Progress progress = new Progress();
        Progress existing = running.putIfAbsent(key, progress);
        if (existing != null) {
            acknowledge(command, new WorkStarted("already running; attempt " + command.getEnvelope().getAttempt()
                    + " joins it", existing.snapshot()));
            return;
        }
        Acknowledgement ack = new Acknowledgement(command);
        ack.scheduled = beats.schedule(ack::send, Math.min(acknowledgeAfter.toMillis(), beatInterval.toMillis()),
                TimeUnit.MILLISECONDS);
        workers.execute(() -> work(key, command, job, progress, ack));
    }

    /** The acknowledgement of work started, sent once it has run for a while; not at all when it ended sooner. */
    private final class Acknowledgement {

        private final Command command;
        private boolean settled;
        private volatile ScheduledFuture<?> scheduled;

        Acknowledgement(Command command) {
            this.command = command;
        }

        /** Sends it, unless the outcome is on its way. */
        synchronized void send() {
            if (!settled) {
                settled = true;
                acknowledge(command, new WorkStarted("started", Map.of()));
            }
        }

        /** The outcome goes next: no acknowledgement after it (one already sent went to Kafka ahead of it). */
        synchronized void settle() {
            settled = true;
            ScheduledFuture<?> pending = scheduled;
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }

    /**
     * The acknowledgement is best effort, and the work does not wait for the broker to store it: when Kafka does
     * not take it, the work still starts and its beat and outcome follow once Kafka answers, rather than the command
     * being retried into the dead-letter topic.
     */
    private void acknowledge(Command command, WorkStarted started) {
        try {
            outcomes.replyInPassing(command, started);
        } catch (RuntimeException e) {
            log.warn("acknowledgement for cutover {} not delivered: {}", command.getEnvelope().getCutoverId(),
                    e.getMessage());
        }
    }

    private void work(String key, Command command, Job job, Progress progress, Acknowledgement ack) {
        ScheduledFuture<?> beat = beats.scheduleAtFixedRate(() -> beat(command, progress),
                beatInterval.toMillis(), beatInterval.toMillis(), TimeUnit.MILLISECONDS);
        try {
            SpecificRecord result = outcome(command, job, progress);
            ack.settle();
            if (result == null || closing) {
                // the service is stopping and interrupted the work: its outcome says nothing about the command,
                // which the coordinator sends again when the beat stops
                log.info("{} for cutover {} stopped with the service; awaiting a re-send", key,
                        command.getEnvelope().getCutoverId());
                return;
            }
            outcomes.reply(command, result);
        } catch (RuntimeException e) {
            // The coordinator misses the beat and re-sends the command; the job is idempotent and runs again.
            log.error("outcome of {} for cutover {} not delivered; awaiting a re-send", key,
                    command.getEnvelope().getCutoverId(), e);
        } catch (Error e) {
            log.error("{} for cutover {} died; no outcome sent, awaiting a re-send", key,
                    command.getEnvelope().getCutoverId(), e);
            throw e;
        } finally {
            // whatever happened, even an Error, a later delivery of this command must be able to run it again
            ack.settle();
            beat.cancel(false);
            running.remove(key);
        }
    }

    /** The outcome to send, or null when the service itself stopped the work. */
    private static SpecificRecord outcome(Command command, Job job, Progress progress) {
        try {
            return job.run(progress);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (WorkInterruptedException e) {
            return null;
        } catch (Exception e) {
            log.warn("{} for cutover {} failed: {}", command.getPayload().getClass().getSimpleName(),
                    command.getEnvelope().getCutoverId(), describe(e));
            return job.failed(describe(e), progress);
        }
    }

    private void beat(Command command, Progress progress) {
        try {
            outcomes.reply(command, new WorkProgressed(progress.summary(), progress.snapshot()));
        } catch (RuntimeException e) {
            log.warn("progress beat for cutover {} not delivered: {}", command.getEnvelope().getCutoverId(),
                    e.getMessage());
        }
    }

    /** The most telling message of a failure, without stack noise. */
    public static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof SQLException)) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    @Override
    public void close() {
        closing = true;
        workers.shutdownNow();
        beats.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
