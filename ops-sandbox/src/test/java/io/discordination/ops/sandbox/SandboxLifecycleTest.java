package io.discordination.ops.sandbox;

import io.discordination.ops.sandbox.process.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A second, private sandbox (its own OPS_HOME) taken through up, reuse, a crash, down and a taken port. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxLifecycleTest {
    private static Path home;
    private static Sandbox sandbox;
    private static SandboxInfo first;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createTempDirectory("ops-sandbox-lifecycle-");
        sandbox = Sandbox.at(home);
        first = sandbox.up();
    }

    @AfterAll
    static void destroy() {
        if (sandbox != null) sandbox.destroy();
    }

    private static Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (ComponentStatus status : sandbox.status()) pids.put(status.name(), status.pid());
        return pids;
    }

    @Test
    @Order(1)
    void up_whenAlreadyUp_reusesEveryProcessAndKeepsAddresses() {
        Map<String, Long> before = pids();

        SandboxInfo again = sandbox.up();

        assertThat(pids()).isEqualTo(before);
        assertThat(before.values()).allMatch(pid -> pid > 0);
        assertThat(again.exports()).isEqualTo(first.exports());
        assertThat(sandbox.isUp()).isTrue();
        assertThat(Sandbox.at(home).environmentFile()).exists();
    }

    @Test
    @Order(2)
    void up_afterRedisAndMotoCrashed_restartsAndReseedsThemWithTheSameIds() throws Exception {
        Map<String, Long> before = pids();
        for (String crashed : List.of(Sandbox.REDIS, Sandbox.MOTO)) {
            ProcessHandle.of(before.get(crashed)).orElseThrow().destroyForcibly();
            Processes.waitForExit(before.get(crashed), java.time.Duration.ofSeconds(5));
        }
        assertThat(sandbox.status()).filteredOn(s -> s.name().equals(Sandbox.REDIS))
                .singleElement().satisfies(s -> assertThat(s.running()).isFalse());

        List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        SandboxInfo info = sandbox.up(progress::add);

        Map<String, Long> after = pids();
        assertThat(after.get(Sandbox.REDIS)).isNotEqualTo(before.get(Sandbox.REDIS)).isPositive();
        assertThat(after.get(Sandbox.MOTO)).isNotEqualTo(before.get(Sandbox.MOTO)).isPositive();
        assertThat(after.get(Sandbox.POSTGRES)).isEqualTo(before.get(Sandbox.POSTGRES));
        // the agent acts on moto at the address it was started with: it comes back with the new moto
        assertThat(after.get(Sandbox.AGENT)).isNotEqualTo(before.get(Sandbox.AGENT)).isPositive();
        assertThat(progress).contains("agent     restarted with the new moto")
                .anyMatch(line -> line.matches("postgres  running on \\S+ \\(reused\\)"));
        assertThat(info.exports()).isEqualTo(first.exports());
        Shell.Result keys = Shell.run(info.exports(), "redis-cli -u $REDIS_URL --scan --pattern 'api:cache:*' | wc -l");
        assertThat(keys.out().trim()).isEqualTo("5000");
        try (var aws = new io.discordination.ops.sandbox.aws.AwsClients(info.awsEndpoint(), info.region(), info.accessKeyId(), info.secretAccessKey())) {
            var service = aws.ecs().describeServices(r -> r.cluster(SeedData.CLUSTER).services("api")).services().get(0);
            assertThat(service.runningCount()).isEqualTo(2);
            assertThat(aws.ecs().listTasks(r -> r.cluster(SeedData.CLUSTER).serviceName("api")).taskArns()).hasSize(2);
        }
    }

    @Test
    @Order(3)
    void down_stopsEveryProcessItStartedAndRemovesTheEnvironment() {
        Map<String, Long> running = pids();
        // the servers and what they started (PostgreSQL's backends), read before down
        List<Long> tree = new java.util.ArrayList<>();
        for (long pid : running.values()) {
            tree.add(pid);
            ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> tree.add(d.pid())));
        }
        assertThat(tree).hasSizeGreaterThan(running.size());
        List<String> progress = new java.util.ArrayList<>();

        sandbox.down(progress::add);

        // checked at once, in /proc (an exited process the init process has not reaped yet shows as Z)
        for (long pid : tree) assertThat(runningInProc(pid)).as("pid %d", pid).isFalse();
        // a server that needed KILL says so (ProcessesTest makes one); on a busy machine that may happen here too
        assertThat(progress).hasSize(4).allMatch(line -> line.matches("\\S+ +(stopped|killed: .+) \\(pid \\d+\\)"));
        assertThat(sandbox.status()).allSatisfy(s -> assertThat(s.running()).isFalse());
        assertThat(sandbox.environmentFile()).doesNotExist();
        for (String name : Sandbox.COMPONENTS) assertThat(sandbox.directory().resolve(name + ".pid")).doesNotExist();
    }

    @Test
    @Order(4)
    void up_whenItsRememberedPortIsTaken_startsOnAnotherPort() throws Exception {
        int remembered = first.redisPort();
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), remembered));

            SandboxInfo info = sandbox.up();

            assertThat(info.redisPort()).isNotEqualTo(remembered);
            assertThat(info.awsEndpoint()).isEqualTo(first.awsEndpoint());
            assertThat(sandbox.isUp()).isTrue();
            assertThat(Files.readString(sandbox.environmentFile())).contains(info.redisUrl());
        }
    }

    @Test
    @Order(5)
    void anotherOpsHome_hasItsOwnIndependentSandbox() throws Exception {
        Path otherHome = Files.createTempDirectory("ops-sandbox-other-");
        Sandbox other = Sandbox.at(otherHome);

        assertThat(sandbox.isUp()).isTrue();
        assertThat(other.isUp()).isFalse();
        assertThat(other.status()).allSatisfy(s -> assertThat(s.running()).isFalse());
        assertThat(other.environmentFile()).isNotEqualTo(sandbox.environmentFile()).doesNotExist();
        Files.delete(otherHome);
    }

    private static boolean runningInProc(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException gone) {
            return false;
        }
    }
}
