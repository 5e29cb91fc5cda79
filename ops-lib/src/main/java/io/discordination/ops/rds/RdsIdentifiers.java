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
