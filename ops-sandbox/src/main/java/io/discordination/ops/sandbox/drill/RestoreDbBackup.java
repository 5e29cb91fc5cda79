package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * restore-db-backup: a maintenance script ran {@code UPDATE users SET disabled = true} without
 * its {@code WHERE} in production (for real, in the sandbox's PostgreSQL: {@code psql} shows every
 * account disabled, logins fail). The procedure restores the newest snapshot, from before the
 * script, to a new instance to copy the rows back from; the drill ends when that instance is
 * available. Copying the rows back is the team's next step, not the runbook's, so the probe is the
 * restored instance.
 *
 * <pre>{@code Scenarios.byName("restore-db-backup")}</pre>
 */
public final class RestoreDbBackup implements Scenario {
    static final String TARGET = "discordination-restore";

    @Override
    public String name() {
        return "restore-db-backup";
    }

    @Override
    public String symptoms() {
        return "Every account shows disabled after a maintenance script; logins fail. Restore the last good backup to a new instance.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) throws Exception {
        try (Connection db = sandbox.databaseAsSuperuser(); Statement st = db.createStatement()) {
            st.executeUpdate("UPDATE users SET disabled = true");
        }
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe("a copy of " + SeedData.DB_INSTANCE + " restored from a snapshot is available as " + TARGET, s -> {
            try {
                DBInstance restored = s.aws().rds().describeDBInstances(r -> r.dbInstanceIdentifier(TARGET)).dbInstances().get(0);
                return Observation.of("available".equals(restored.dbInstanceStatus()), TARGET + " " + restored.dbInstanceStatus()
                        + ", class " + restored.dbInstanceClass());
            } catch (DbInstanceNotFoundException e) {
                return Observation.fail("no instance " + TARGET + "; every account disabled: " + disabledUsers(s));
            }
        }));
    }

    private static String disabledUsers(SandboxAccess sandbox) throws Exception {
        try (Connection db = sandbox.databaseAsTool(); Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE disabled), count(*) FROM users")) {
            rs.next();
            return rs.getLong(1) + " of " + rs.getLong(2) + " users disabled";
        }
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.MOTO, Sandbox.POSTGRES);
    }
}
