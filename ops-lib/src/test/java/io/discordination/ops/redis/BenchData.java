package io.discordination.ops.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.discordination.ops.redis.KeySeed.group;

/**
 * Production-sized Redis data for the bench scripts, from the command line:
 * <ul>
 *   <li>{@code seed PORT [PORT...]}: 1,000,000 keys (500,000 {@code api:cache:*}, 300,000 {@code rl:*},
 *       200,000 others) into one server or, given several ports, the masters of a cluster, each key
 *       where its slot lives ({@code redis-cli --pipe});</li>
 *   <li>{@code seed-large PORT}: 2,000,000 keys of four types (strings, hashes, lists, sets);</li>
 *   <li>{@code subscribe PORT COUNT SECONDS}: one client named {@code gateway-bench} subscribed to
 *       {@code user:0 .. user:(COUNT-1)}; prints {@code subscribed} and holds them until its
 *       standard input closes or SECONDS pass, whichever is first, then exits.</li>
 * </ul>
 *
 * <pre>{@code java -cp ... io.discordination.ops.redis.BenchData subscribe 6379 500000 600}</pre>
 */
public final class BenchData {
    static final KeySeed MILLION = KeySeed.of(group("api:cache:", 500_000), group("rl:", 300_000),
            group("session:", 100_000), group("presence:", 100_000));

    private BenchData() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("bench-data-");
        try {
            switch (args[0]) {
                case "seed" -> {
                    if (args.length == 2) {
                        MILLION.into(RedisServer.attach(Integer.parseInt(args[1])), work);
                    } else {
                        List<RedisServer> nodes = new ArrayList<>();
                        for (int i = 1; i < args.length; i++) nodes.add(RedisServer.attach(Integer.parseInt(args[i])));
                        MILLION.into(RedisCluster.attach(nodes), work);
                    }
                }
                case "seed-large" -> {
                    RedisServer server = RedisServer.attach(Integer.parseInt(args[1]));
                    KeySeed.of(group("api:cache:", 1_400_000), group("rl:", 300_000)).into(server, work);
                    server.cli("EVAL", "for i = 1, 200000 do redis.call('HSET', 'profile:' .. i, 'name', 'n' .. i, 'locale', 'en') end "
                            + "for i = 1, 50000 do redis.call('RPUSH', 'queue:' .. i, 'a', 'b', 'c') end "
                            + "for i = 1, 50000 do redis.call('SADD', 'members:' .. i, 'a', 'b') end return 1", "0");
                }
                case "subscribe" -> {
                    int port = Integer.parseInt(args[1]);
                    int count = Integer.parseInt(args[2]);
                    long seconds = Long.parseLong(args[3]);
                    try (Subscriber gateway = Subscriber.subscribeMany(port, "gateway-bench", "user:", count)) {
                        System.out.println("subscribed");
                        System.out.flush();
                        Thread stdinClosed = new Thread(() -> {
                            try {
                                while (System.in.read() >= 0) {
                                    // wait for the end of input
                                }
                            } catch (IOException ignored) {
                                // gone: stop
                            }
                        });
                        stdinClosed.setDaemon(true);
                        stdinClosed.start();
                        stdinClosed.join(TimeUnit.SECONDS.toMillis(seconds));
                    }
                }
                default -> throw new IllegalArgumentException("unknown: " + args[0]);
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
