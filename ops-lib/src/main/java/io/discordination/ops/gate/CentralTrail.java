package io.discordination.ops.gate;

/**
 * Where the audit log's records go after the local spool ({@link AuditLog}): the environment's
 * central trail, which every operator reads. The executing gate asks it to ship after each effect
 * ({@link #shipSoon}, in the background, never holding the run up) and, when the environment
 * requires the central trail, before each destructive effect ({@link #shipNow}): an effect whose
 * records cannot reach the trail is refused.
 *
 * <pre>{@code
 * if (trail.required()) trail.shipNow();   // throws Unavailable: refuse the effect
 * ...
 * trail.shipSoon();
 * }</pre>
 */
public interface CentralTrail {
    /** No central trail: records stay in the spool; nothing is required. */
    CentralTrail NONE = new CentralTrail() {
        @Override
        public boolean required() {
            return false;
        }

        @Override
        public void shipNow() {
        }

        @Override
        public void shipSoon() {
        }
    };

    /** Why the trail cannot be written: the message says what and where, for a refusal. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }

    /** True when destructive effects need their records in the central trail first ({@code audit.requireCentral}). */
    boolean required();

    /** Ships every record spooled so far and returns once the trail has them; bounded in time. */
    void shipNow() throws Unavailable;

    /** Ships what is spooled in the background; a failure leaves the records in the spool for a later command. */
    void shipSoon();
}
