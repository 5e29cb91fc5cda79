package io.discordination.ops.rds;

import io.discordination.ops.OpsException;

import java.util.regex.Pattern;

/**
 * RDS's naming rules, checked before any call: letters, digits and hyphens, starting with a
 * letter, no two hyphens in a row, not ending with a hyphen; at most 63 characters for a DB
 * instance, 255 for a snapshot.
 *
 * <pre>{@code RdsIdentifiers.requireSnapshotId("manual-20240501-101500");}</pre>
 */
public final class RdsIdentifiers {
    /** The longest instance class {@link #requireInstanceClass} takes. */
    public static final int INSTANCE_CLASS_MAX = 40;
    private static final Pattern INSTANCE_CLASS = Pattern.compile("db\\.(serverless|[a-z][a-z0-9-]*\\.[a-z0-9]+(\\.[a-z0-9]+){0,2})");
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z](?:[A-Za-z0-9]|-(?!-))*");

    private RdsIdentifiers() {
    }

    public static String requireSnapshotId(String id) {
        return require(id, 255, "DB snapshot identifier");
    }

    /**
     * The identifier of a snapshot to restore from: a manual one, an automated one
     * ({@code rds:discordination-prod-2024-05-01-03-12}), or a shared snapshot's ARN.
     */
    public static String requireExistingSnapshotId(String id) {
        if (id != null && id.startsWith("arn:") && id.contains(":snapshot:")) return id;
        if (id != null && (id.startsWith("rds:") || id.startsWith("awsbackup:"))) {
            require(id.substring(id.indexOf(':') + 1), 255, "DB snapshot identifier");
            return id;
        }
        return require(id, 255, "DB snapshot identifier");
    }

    public static String requireInstanceId(String id) {
        return require(id, 63, "DB instance identifier");
    }

    /**
     * A DB instance class: {@code db.} then a family and a size ({@code db.r6g.large},
     * {@code db.x2iedn.24xlarge}), optionally with optimized-CPU suffixes
     * ({@code db.r5.2xlarge.tpc2.mem4x}), or {@code db.serverless}; lower case, at most
     * {@value #INSTANCE_CLASS_MAX} characters.
     */
    public static String requireInstanceClass(String instanceClass) {
        if (instanceClass == null || instanceClass.length() > INSTANCE_CLASS_MAX || !INSTANCE_CLASS.matcher(instanceClass).matches()) {
            throw OpsException.builder("Invalid DB instance class: it must look like db.r6g.large (db., a family, a size; "
                            + "lower-case letters and digits, at most " + INSTANCE_CLASS_MAX + " characters)")
                    .service("rds").hint("see aws rds describe-orderable-db-instance-options for the classes of your engine")
                    .invalidInput();
        }
        return instanceClass;
    }

    private static String require(String id, int max, String what) {
        String why = null;
        if (id == null || id.isEmpty()) why = "it is empty";
        else if (id.length() > max) why = "it is longer than " + max + " characters";
        else if (!Character.isLetter(id.charAt(0))) why = "it must start with a letter";
        else if (id.endsWith("-")) why = "it must not end with a hyphen";
        else if (id.contains("--")) why = "it must not contain two hyphens in a row";
        else if (!SHAPE.matcher(id).matches()) why = "only letters, digits and hyphens are allowed";
        if (why != null) {
            throw OpsException.builder("Invalid " + what + " '" + id + "': " + why)
                    .service("rds").hint("for example manual-20240501-101500").invalidInput();
        }
        return id;
    }
}
