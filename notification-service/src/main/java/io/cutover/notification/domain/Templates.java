package io.cutover.notification.domain;

import java.time.Duration;

import io.cutover.schemas.AnnounceCutover;
import io.cutover.schemas.NotifyStakeholders;
import io.cutover.schemas.Stakeholder;
import io.cutover.schemas.StakeholderRole;

/** What each stakeholder is told, by role. Connection details appear without credentials. */
public final class Templates {

    private Templates() {
    }

    public static Message announcement(AnnounceCutover a, Stakeholder s) {
        String subject = "[Cutover] Scheduled: " + a.getTitle();
        String body = "Hello " + s.getName() + ",\n\n"
                + "The cutover \"" + a.getTitle() + "\" is starting now (" + a.getMode().toLowerCase()
                + " mode).\n"
                + "Database: " + a.getSource() + " moves to " + a.getTarget() + ".\n"
                + "Planned downtime: at most " + Duration.ofSeconds(a.getDowntimeBudgetSeconds()).toMinutes()
                + " minutes.\n\n"
                + whatToExpect(s.getRole(), a.getMode()) + "\n\n"
                + "You will be told when it completes or if it is rolled back.\n";
        return new Message(s.getEmail(), subject, body);
    }

    public static Message outcome(NotifyStakeholders n, Stakeholder s) {
        boolean completed = n.getKind().name().equals("COMPLETED");
        String subject = "[Cutover] " + (completed ? "Completed: " : "FAILED: ") + n.getTitle();
        String body = "Hello " + s.getName() + ",\n\n"
                + "The cutover \"" + n.getTitle() + "\" " + (completed ? "completed." : "did not complete.") + "\n"
                + (completed ? "Result: " : "Reason: ") + n.getSummary() + "\n\n"
                + (completed ? "Applications now use the new database."
                        : "The source database stays the live system.") + "\n";
        return new Message(s.getEmail(), subject, body);
    }

    private static String whatToExpect(StakeholderRole role, String mode) {
        boolean offline = mode.equalsIgnoreCase("OFFLINE");
        return switch (role) {
            case IT_STAFF -> "Please stay available until the cutover completes; the source is fenced"
                    + (offline ? " (read-only) for the whole copy." : " only for the switch.");
            case APPLICATION_OWNER -> "Writes to the database " + (offline ? "are refused during the copy"
                    : "pause briefly at the switch") + "; reads keep working until connections move.";
            case END_USER -> "You may see the application read-only or briefly unavailable.";
            case SUPPORT -> "Please be on standby for user reports until the cutover completes.";
        };
    }
}
