package io.discordination.ops.redis;

import io.discordination.ops.OpsContext;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import static io.discordination.ops.redis.KeySeed.group;

/**
 * The benchmark behind {@code bench/redis-delete-matching}: on 1,000,000 keys (500,000
 * {@code api:cache:*}, 300,000 {@code rl:*}, 200,000 others), deletes {@code api:cache:*} the
 * runbook's way ({@code redis-cli --scan | xargs redis-cli DEL}) and ours
 * ({@code redis().deleteMatching}) on identical data in the same run, reads the server's own CPU
 * time ({@code INFO commandstats}, {@code INFO cpu}), and measures a concurrent client's latency
 * during each; then ours on a 3-master cluster. Writes its section of {@code docs/benchmarks.md}.
 *
 * <p>Arguments: the Markdown file to update. System properties: {@code bench.repeats} (3),
 * {@code bench.scanCount} (the library's default).
 */
public final class DeleteMatchingBenchmark {
    static final String PATTERN = "api:cache:*";
    static final KeySeed SEED = KeySeed.of(group("api:cache:", 500_000), group("rl:", 300_000),
            group("session:", 100_000), group("presence:", 100_000));
    static final long MATCHING = 500_000;
    static final String START = "<!-- bench/redis-delete-matching: start -->";
    static final String END = "<!-- bench/redis-delete-matching: end -->";

    /** One timed deletion. Times in microseconds; {@code serverCpu} is the redis-server process's CPU (user + system). */
    record Measure(long wallMicros, long commandMicros, long serverCpuMicros, long busiestNodeCommandMicros,
                   long probeCount, long p50, long p99, long p999, long max) {
    }

    private DeleteMatchingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path doc = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        int repeats = Integer.getInteger("bench.repeats", 3);
        int scanCount = Integer.getInteger("bench.scanCount", 0);
        Path work = Files.createTempDirectory("bench-redis-delete-");
        String loadBefore = loadAverage();
        System.err.println("bench: work folder " + work + ", " + repeats + " repeats, SCAN COUNT " + scanCount);

        List<Measure> pipeline = new ArrayList<>();
        List<Measure> ours = new ArrayList<>();
        List<Measure> cluster = new ArrayList<>();
        List<Measure> clientSide = new ArrayList<>();
        Measure cold;
        try (RedisServer server = RedisServer.start(work.resolve("standalone"))) {
            // the first deletions in a fresh JVM pay for loading and compiling the client (the JIT
            // needs a few million keys to finish): the first is shown apart, the others are not counted
            cold = null;
            for (int i = 0; i < 1 + Integer.getInteger("bench.warmups", 2); i++) {
                reseed(server, work);
                Measure warmup = measure(List.of(server), server, () -> deleteWithOps(server.url(), work, scanCount));
                check(server.count(PATTERN) == 0 && server.dbsize() == SEED.total() - MATCHING, "ours left keys behind");
                System.err.println("bench: ours, warming up " + warmup);
                if (cold == null) cold = warmup;
            }
            for (int i = 0; i < repeats; i++) {
                reseed(server, work);
                pipeline.add(measure(List.of(server), server, () -> runbookPipeline(server)));
                check(server.count(PATTERN) == 0 && server.dbsize() == SEED.total() - MATCHING, "pipeline left keys behind");
                System.err.println("bench: pipeline " + pipeline.get(i));

                reseed(server, work);
                ours.add(measure(List.of(server), server, () -> deleteWithOps(server.url(), work, scanCount)));
                check(server.count(PATTERN) == 0 && server.dbsize() == SEED.total() - MATCHING, "ours left keys behind");
                System.err.println("bench: ours     " + ours.get(i));

                reseed(server, work);
                clientSide.add(measure(List.of(server), server,
                        () -> deleteWithOps(server.url(), work, scanCount, KeyDeleter.Batches.CLIENT)));
                check(server.count(PATTERN) == 0 && server.dbsize() == SEED.total() - MATCHING, "ours (client batches) left keys behind");
                System.err.println("bench: client   " + clientSide.get(i));
            }
        }
        try (RedisCluster c = RedisCluster.start(work.resolve("cluster"))) {
            RedisServer probed = c.nodes().get(0);
            for (int i = 0; i < repeats; i++) {
                for (RedisServer n : c.nodes()) n.cli("FLUSHALL");
                SEED.into(c, work);
                check(c.dbsize() == SEED.total(), "cluster seed incomplete");
                cluster.add(measure(c.nodes(), probed, () -> deleteWithOps(c.url(), work, scanCount), probeKey(c, probed)));
                check(c.count(PATTERN) == 0 && c.dbsize() == SEED.total() - MATCHING, "ours left keys behind on the cluster");
                System.err.println("bench: cluster  " + cluster.get(i));
            }
        }
        String load = loadBefore + " at the start, " + loadAverage() + " at the end";
        String e2e = System.getProperty("bench.e2e") == null ? "" : Files.readString(Path.of(System.getProperty("bench.e2e")));
        String section = section(e2e, median(pipeline), median(ours), median(clientSide), median(cluster), cold, repeats, scanCount, load);
        System.out.println(section);
        write(doc, section);
        System.err.println("bench: wrote " + doc);
        deleteTree(work);
    }

    static void reseed(RedisServer server, Path work) {
        server.cli("FLUSHALL");
        SEED.into(server, work);
        check(server.dbsize() == SEED.total(), "seed incomplete: " + server.dbsize());
    }

    /** The runbook's own command, against the private server. */
    private static long runbookPipeline(RedisServer server) {
        String cli = "redis-cli -p " + server.port();
        RedisServer.run(List.of("bash", "-c", cli + " --scan --pattern '" + PATTERN + "' | xargs " + cli + " DEL > /dev/null"), null);
        return MATCHING;
    }

    static long deleteWithOps(String url, Path work, int scanCount) {
        return deleteWithOps(url, work, scanCount, KeyDeleter.Batches.AUTO);
    }

    static long deleteWithOps(String url, Path work, int scanCount, KeyDeleter.Batches batches) {
        try {
            Path env = work.resolve("bench.yaml");
            Files.writeString(env, "name: bench\nredis:\n  url: " + url + "\n");
            try (OpsContext ctx = OpsContext.builder().environment(Environment.load(env)).opsHome(work.resolve("home"))
                    .confirmer(Confirmer.nonInteractive(true, null)).build()) {
                DeletedKeys deleted = ctx.redis().tuned(scanCount, Integer.getInteger("bench.streams", KeyDeleter.DEFAULT_STREAMS), batches)
                        .deleteMatching(PATTERN);
                return deleted.deleted();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Measure measure(List<RedisServer> nodes, RedisServer probed, Supplier<Long> deletion) throws Exception {
        return measure(nodes, probed, deletion, "rl:1");
    }

    private static Measure measure(List<RedisServer> nodes, RedisServer probed, Supplier<Long> deletion, String probeKey) throws Exception {
        for (RedisServer n : nodes) n.cli("CONFIG", "RESETSTAT");
        long[] cpuBefore = nodes.stream().mapToLong(DeleteMatchingBenchmark::processCpuMicros).toArray();
        Process probe = new ProcessBuilder("java", "-XX:+UseSerialGC", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                LatencyProbe.class.getName(), String.valueOf(probed.port()), probeKey).redirectErrorStream(true).start();
        BufferedReader probeOut = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8));
        check("ready".equals(probeOut.readLine()), "latency probe did not start");
        Thread.sleep(500);
        long start = System.nanoTime();
        long deleted = deletion.get();
        long wall = (System.nanoTime() - start) / 1000;
        probe.getOutputStream().close();
        String[] stats = probeOut.readLine().trim().split(" ");
        probe.waitFor();
        check(deleted == MATCHING, "deleted " + deleted + ", expected " + MATCHING);
        long commands = 0;
        long busiest = 0;
        long cpu = 0;
        for (int i = 0; i < nodes.size(); i++) {
            long node = commandMicros(nodes.get(i));
            commands += node;
            busiest = Math.max(busiest, node);
            cpu += processCpuMicros(nodes.get(i)) - cpuBefore[i];
        }
        return new Measure(wall, commands, cpu, busiest, Long.parseLong(stats[0]), Long.parseLong(stats[1]),
                Long.parseLong(stats[2]), Long.parseLong(stats[3]), Long.parseLong(stats[4]));
    }

    /** Microseconds the server spent executing SCAN, DEL and UNLINK since the last CONFIG RESETSTAT. */
    static long commandMicros(RedisServer server) {
        long usec = 0;
        for (String line : server.cli("INFO", "commandstats").split("\r?\n")) {
            // SCAN and UNLINK called by a script are counted in the script's own time as well: EVAL is left out
            if (line.startsWith("cmdstat_scan:") || line.startsWith("cmdstat_del:") || line.startsWith("cmdstat_unlink:")) {
                for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (field.startsWith("usec=")) usec += Long.parseLong(field.substring(5));
                }
            }
        }
        return usec;
    }

    /** The redis-server process's CPU time so far (used_cpu_user + used_cpu_sys), in microseconds. */
    static long processCpuMicros(RedisServer server) {
        Map<String, String> cpu = RedisInfo.parse(server.cli("INFO", "cpu"));
        return Math.round((Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"))) * 1e6);
    }

    /** A key the probe can GET on {@code node}: a rate-limit key whose slot that node serves. */
    private static String probeKey(RedisCluster cluster, RedisServer node) {
        for (RedisClusterNode n : ClusterPartitionParser.parse(node.cli("CLUSTER", "NODES"))) {
            if (n.getUri().getPort() != node.port()) continue;
            for (int i = 0; i < 300_000; i++) {
                if (n.getSlots().contains(SlotHash.getSlot("rl:" + i))) return "rl:" + i;
            }
        }
        throw new IllegalStateException("no rl: key on " + node.port());
    }

    private static Measure median(List<Measure> runs) {
        List<Measure> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingLong(Measure::wallMicros));
        return sorted.get(sorted.size() / 2);
    }

    /** The 1-minute load average, to show how busy the machine was. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String section(String e2e, Measure pipeline, Measure ours, Measure clientSide, Measure cluster, Measure cold,
                          int repeats, int scanCount, String load) {
        StringBuilder sb = new StringBuilder();
        sb.append(START).append('\n');
        sb.append("## Redis: deleting keys by pattern (`bench/redis-delete-matching`)\n\n");
        sb.append(e2e.isBlank() ? "" : e2e.strip() + "\n\n");
        String count = scanCount > 0 ? String.valueOf(scanCount) : KeyDeleter.DEFAULT_SCRIPT_SCAN_COUNT + " (" + KeyDeleter.DEFAULT_SCAN_COUNT
                + " where the client runs the batches)";
        sb.append("### In process: the deletion alone, in a warmed JVM\n\n");
        sb.append("Not what a user waits for (that is above), but where the time goes. The same 1,000,000 keys, seeded with\n")
                .append("`redis-cli --pipe` on a private `redis-server` ").append(redisVersion()).append("; ours is `redis().deleteMatching(\"api:cache:*\")`\n")
                .append("(each batch one script on the server: SCAN COUNT ").append(count).append(" and UNLINK, in ")
                .append(Integer.getInteger("bench.streams", KeyDeleter.DEFAULT_STREAMS))
                .append(" chains on a standalone server, one per master on a cluster),\n").append("with the Gate, audit line and connection set-up included.\n")
                .append("Each figure is the median of ").append(repeats).append(" runs (by wall time), alternating with the pipeline,\n")
                .append("after deletions that warm the JVM up; the first of those, in a fresh JVM, is the last row.\n")
                .append("Server CPU is Redis's own accounting: `INFO commandstats` (time executing SCAN, DEL, UNLINK and the scripts) and\n")
                .append("`INFO cpu` (the whole process: parsing, replies, networking). The concurrent client is a separate process\n")
                .append("sending `GET rl:…` one at a time, every 200 µs, during the deletion. Machine: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores; 1-minute load average ").append(load).append(".\n\n");
        sb.append("| run (in process) | wall | server CPU in commands | server process CPU | wall / command CPU | client p50 | client p99 | client max |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        row(sb, "runbook pipeline (standalone)", pipeline, pipeline.commandMicros());
        row(sb, "ours (standalone)", ours, ours.commandMicros());
        row(sb, "ours, the client running the batches (where scripts are refused)", clientSide, clientSide.commandMicros());
        row(sb, "ours (3-master cluster)", cluster, cluster.commandMicros());
        row(sb, "ours (standalone), first run in a fresh JVM", cold, cold.commandMicros());
        sb.append('\n');
        double speedup = pipeline.wallMicros() / (double) ours.wallMicros();
        double ratio = ours.wallMicros() / (double) ours.commandMicros();
        sb.append("| in-process figure | measured | bound | met |\n|---|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| deletion alone against the pipeline | %.1fx faster | | |%n", speedup));
        sb.append(String.format(Locale.ROOT, "| our wall time over the server's CPU time (commandstats) | %.2fx | at most 1.3x | %s |%n", ratio, ratio <= 1.3 ? "yes" : "**no**"));
        sb.append(String.format(Locale.ROOT, "| concurrent client p99 during our deletion | %s | at most 2 ms | %s |%n", ms(ours.p99()), ours.p99() <= 2000 ? "yes" : "**no**"));
        sb.append(String.format(Locale.ROOT, "%nOn the 3-master cluster (three `redis-server`s sharing the same two cores, every master worked in parallel)%n"
                        + "the deletion took %s. Its command CPU is the three masters' together (the busiest spent %s); there a script%n"
                        + "deletes key by key (a cluster refuses a multi-key command across hash slots, in a script too). Its client latency is%n"
                        + "measured on one master.%n",
                secs(cluster.wallMicros()), secs(cluster.busiestNodeCommandMicros())));
        sb.append(END).append('\n');
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, Measure m, long commandBase) {
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2fx | %s | %s | %s |%n", name, secs(m.wallMicros()),
                secs(m.commandMicros()), secs(m.serverCpuMicros()), m.wallMicros() / (double) commandBase,
                ms(m.p50()), ms(m.p99()), ms(m.max())));
    }

    private static String secs(long micros) {
        return String.format(Locale.ROOT, "%.2f s", micros / 1e6);
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.2f ms", micros / 1e3);
    }

    private static String redisVersion() {
        String v = RedisServer.run(List.of("redis-server", "--version"), null);
        int i = v.indexOf("v=");
        return i < 0 ? "" : v.substring(i + 2, v.indexOf(' ', i));
    }

    /** Replaces the section between the markers, or appends it. */
    static void write(Path doc, String section) throws IOException {
        String text = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n";
        int s = text.indexOf(START);
        int e = text.indexOf(END);
        if (s >= 0 && e > s) {
            text = text.substring(0, s) + section + text.substring(e + END.length() + (text.startsWith("\n", e + END.length()) ? 1 : 0));
        } else {
            text = text.stripTrailing() + "\n\n" + section;
        }
        Files.writeString(doc, text);
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new IllegalStateException(what);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
