package io.discordination.ops.waf;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.SandboxAws;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.Scope;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SandboxExtension.class)
class WafIpSetTest {

    private static GetIpSetResponse read(SandboxInfo info) {
        try (Wafv2Client waf = SandboxAws.client(info, Wafv2Client.builder())) {
            return waf.getIPSet(b -> b.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL).id(info.ipSetId()));
        }
    }

    /** An address in 100.64.0.0/10 (shared address space) not used elsewhere in these tests. */
    private static String randomAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "100." + (64 + r.nextInt(64)) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    @Test
    void addresses_whenSeeded_listsTheSetsAddresses(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            IpSetAddresses addresses = ops.waf().addresses();
            assertThat(addresses.addresses()).containsExactlyInAnyOrderElementsOf(read(info).ipSet().addresses());
            assertThat(addresses.ipAddressVersion()).isEqualTo("IPV4");
        }
    }

    @Test
    void block_whenNew_addsItAndKeepsTheOthers_thenIsIdempotent(SandboxInfo info, @TempDir Path home) {
        String address = randomAddress();
        List<String> before = read(info).ipSet().addresses();
        try (OpsContext ops = SandboxAws.context(info, home)) {
            IpSetChange change = ops.waf().block(address);
            assertThat(change.changed()).isTrue();
            assertThat(change.cidr()).isEqualTo(address + "/32");
            IpSetChange again = ops.waf().block(address + "/32");
            assertThat(again.changed()).isFalse();
            assertThat(again.outcome()).contains("already blocked");
            assertThat(ops.gate().audit().read()).extracting(r -> r.event()).containsExactly("started", "ok");
        }
        assertThat(read(info).ipSet().addresses()).containsAll(before).contains(address + "/32")
                .hasSize(before.size() + 1);
    }

    @Test
    void unblock_whenConfirmed_removesOnlyThatAddress(SandboxInfo info, @TempDir Path home) {
        String address = randomAddress() + "/32";
        try (OpsContext ops = SandboxAws.context(info, home)) {
            ops.waf().block(address);
        }
        List<String> blocked = read(info).ipSet().addresses();
        try (OpsContext ops = SandboxAws.refusingContext(info, home)) {
            assertThatThrownBy(() -> ops.waf().unblock(address)).isInstanceOf(OpsException.RefusedException.class);
        }
        assertThat(read(info).ipSet().addresses()).contains(address);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThat(ops.waf().unblock(address).changed()).isTrue();
        }
        List<String> expected = new ArrayList<>(blocked);
        expected.remove(address);
        assertThat(read(info).ipSet().addresses()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void block_whenCidrInvalid_failsWithoutTouchingTheSet(SandboxInfo info, @TempDir Path home) {
        GetIpSetResponse before = read(info);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            for (String bad : List.of("203.0.113.300", "203.0.113.0/33", "10.1.2.3/24", "2001:db8::zz", "0.0.0.0/0", "")) {
                assertThatThrownBy(() -> ops.waf().block(bad)).as(bad).isInstanceOf(OpsException.InvalidInputException.class)
                        .hasMessageContaining("Invalid CIDR");
            }
            assertThatThrownBy(() -> ops.waf().block("2001:db8::7")).isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageContaining("holds IPV4 addresses");
            assertThat(ops.gate().audit().read()).isEmpty();
        }
        GetIpSetResponse after = read(info);
        assertThat(after.lockToken()).isEqualTo(before.lockToken());
        assertThat(after.ipSet().addresses()).isEqualTo(before.ipSet().addresses());
    }

    @Test
    void block_whenTwentyContextsBlockAtOnce_losesNoAddress(SandboxInfo info, @TempDir Path home) throws Exception {
        List<String> before = read(info).ipSet().addresses();
        List<String> addresses = new ArrayList<>();
        while (addresses.size() < 20) {
            String a = randomAddress() + "/32";
            if (!addresses.contains(a) && !before.contains(a)) addresses.add(a);
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<IpSetChange>> futures = new ArrayList<>();
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 20; i++) {
                String address = addresses.get(i);
                Path ownHome = home.resolve("ctx-" + i);
                futures.add(pool.submit(() -> {
                    try (OpsContext ops = SandboxAws.contextWithoutRegistry(info, ownHome)) {
                        go.await();
                        return ops.waf().block(address);
                    }
                }));
            }
            go.countDown();
            int attempts = 0;
            for (Future<IpSetChange> f : futures) {
                IpSetChange change = f.get();
                assertThat(change.changed()).isTrue();
                attempts += change.attempts();
            }
            System.out.println("20 parallel blocks took " + attempts + " read-modify-write attempts in total");
        } finally {
            pool.shutdownNow();
        }
        assertThat(read(info).ipSet().addresses()).containsAll(before).containsAll(addresses)
                .hasSize(before.size() + 20);
    }

    @Test
    void block_whenDryRun_plansTheUpdateCommand(SandboxInfo info, @TempDir Path home) {
        String address = randomAddress();
        GetIpSetResponse before = read(info);
        try (OpsContext ops = SandboxAws.dryRunContext(info, home)) {
            IpSetChange planned = ops.waf().block(address);
            assertThat(planned.planned()).isTrue();
            assertThat(ops.plan().effects()).singleElement().satisfies(e -> {
                // the whole set as it would be after, and the lock token read with it: a command to paste, nothing to fill in
                List<String> after = new ArrayList<>(before.ipSet().addresses());
                after.add(address + "/32");
                assertThat(e.command()).isEqualTo("aws wafv2 update-ip-set --name blocked-ips --scope REGIONAL --id " + info.ipSetId()
                        + " --addresses " + String.join(" ", after) + " --lock-token " + before.lockToken()
                        + (before.ipSet().description() == null ? "" : " --description '" + before.ipSet().description() + "'"));
                assertThat(e.template()).isEqualTo(WafIpSet.UPDATE_IP_SET.text());
                assertThat(e.inverse()).contains("grep -vxF -e " + address + "/32");
            });
        }
        assertThat(read(info).lockToken()).isEqualTo(before.lockToken());
    }

    @Test
    void block_whenSeveralAddresses_writesThemInOneConfirmedUpdate(SandboxInfo info, @TempDir Path home) {
        List<String> before = read(info).ipSet().addresses();
        List<String> three = List.of(randomAddress() + "/32", randomAddress() + "/32", randomAddress() + "/32");
        try (OpsContext ops = SandboxAws.refusingContext(info, home)) {
            // a block denies service to whoever is in the range: it is confirmed like any destructive effect
            assertThatThrownBy(() -> ops.waf().block(three)).isInstanceOf(OpsException.RefusedException.class);
        }
        assertThat(read(info).ipSet().addresses()).isEqualTo(before);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            IpSetChanges changes = ops.waf().block(List.of(three.get(0), three.get(1), three.get(2), three.get(0)));
            assertThat(changes.attempts()).isEqualTo(1);
            assertThat(changes.changes()).extracting(IpSetChange::cidr).containsExactlyElementsOf(three);
            assertThat(changes.changes()).extracting(IpSetChange::outcome).containsOnly("blocked");
            // one effect, one UpdateIPSet: a single started/ok pair whose effect names all three
            assertThat(ops.gate().audit().read()).filteredOn(r -> !"refused".equals(r.event()))
                    .extracting(r -> r.event()).containsExactly("started", "ok");
            assertThat(String.valueOf(ops.gate().audit().read().get(ops.gate().audit().read().size() - 1).effect().parameters().get("addresses")))
                    .isEqualTo(String.join(",", three));
            IpSetChanges again = ops.waf().block(three);
            assertThat(again.changed()).isFalse();
            assertThat(again.changes()).extracting(IpSetChange::outcome).containsOnly("already blocked: nothing changed");
        }
        assertThat(read(info).ipSet().addresses()).containsAll(before).containsAll(three).hasSize(before.size() + 3);
    }

    @Test
    void block_whenTenContextsBlockFiveAddressesEachAtOnce_losesNoAddress(SandboxInfo info, @TempDir Path home) throws Exception {
        List<String> before = read(info).ipSet().addresses();
        java.util.Set<String> all = new java.util.LinkedHashSet<>();
        while (all.size() < 50) {
            String a = randomAddress() + "/32";
            if (!before.contains(a)) all.add(a);
        }
        List<String> addresses = List.copyOf(all);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<IpSetChanges>> futures = new ArrayList<>();
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 10; i++) {
                List<String> mine = addresses.subList(5 * i, 5 * i + 5);
                Path ownHome = home.resolve("ctx-" + i);
                futures.add(pool.submit(() -> {
                    try (OpsContext ops = SandboxAws.contextWithoutRegistry(info, ownHome)) {
                        go.await();
                        return ops.waf().block(mine);
                    }
                }));
            }
            go.countDown();
            for (Future<IpSetChanges> f : futures) assertThat(f.get().changes()).extracting(IpSetChange::outcome).containsOnly("blocked");
        } finally {
            pool.shutdownNow();
        }
        assertThat(read(info).ipSet().addresses()).containsAll(before).containsAll(addresses).hasSize(before.size() + 50);
    }

    @Test
    void block_whenTheSetWouldHoldMoreThanTenThousand_refusesBeforeConfirmingAndChangesNothing(SandboxInfo info, @TempDir Path home) {
        GetIpSetResponse original = read(info);
        List<String> full = new ArrayList<>(original.ipSet().addresses());
        for (int i = 0; full.size() < WafIpSet.MAX_ADDRESSES - 1; i++) full.add("45." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256) + "/32");
        try (Wafv2Client waf = SandboxAws.client(info, Wafv2Client.builder())) {
            waf.updateIPSet(b -> b.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL).id(info.ipSetId()).addresses(full)
                    .lockToken(original.lockToken()));
            try {
                GetIpSetResponse filled = read(info);
                assertThat(filled.ipSet().addresses()).hasSize(WafIpSet.MAX_ADDRESSES - 1);
                try (OpsContext ops = SandboxAws.refusingContext(info, home)) {
                    // bad input, not a refusal: the limit is checked before anyone is asked
                    assertThatThrownBy(() -> ops.waf().block(List.of("203.0.113.201", "203.0.113.202")))
                            .isInstanceOf(OpsException.InvalidInputException.class)
                            .hasMessageContaining("holds 9,999 addresses; 2 more would make 10,001, more than the 10,000")
                            .hasMessageContaining("merge neighbouring addresses into ranges").hasMessageContaining("second IP set")
                            .hasMessageContaining("rate-based rule").hasMessageContaining("nothing was changed");
                    assertThat(ops.gate().audit().read()).isEmpty();
                }
                assertThat(read(info).lockToken()).isEqualTo(filled.lockToken());
                try (OpsContext ops = SandboxAws.context(info, home.resolve("fits"))) {
                    assertThat(ops.waf().block("203.0.113.201").changed()).isTrue();
                }
                assertThat(read(info).ipSet().addresses()).hasSize(WafIpSet.MAX_ADDRESSES);
            } finally {
                GetIpSetResponse now = read(info);
                waf.updateIPSet(b -> b.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL).id(info.ipSetId())
                        .addresses(original.ipSet().addresses()).lockToken(now.lockToken()));
            }
        }
    }

    @Test
    void block_whenWideOrInternal_refusesUnlessAllowed(SandboxInfo info, @TempDir Path home) {
        GetIpSetResponse before = read(info);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThatThrownBy(() -> ops.waf().block(List.of("0.0.0.0/1", "128.0.0.0/1")))
                    .isInstanceOf(OpsException.InvalidInputException.class).hasMessageContaining("more than a /16");
            assertThatThrownBy(() -> ops.waf().block("10.0.0.0/24")).hasMessageContaining("private (RFC 1918)");
            assertThatThrownBy(() -> ops.waf().block(SeedData.PLATFORM_RANGES.get(0))).hasMessageContaining("platform's own ranges");
            assertThatThrownBy(() -> ops.waf().allowWide(true).block("10.0.0.0/7")).hasMessageContaining("private");
            assertThat(ops.gate().audit().read()).isEmpty();
        }
        assertThat(read(info).lockToken()).isEqualTo(before.lockToken());
    }

    /**
     * A proxy in front of moto that answers the first {@code failures} calls of {@code operation}
     * with WAFUnavailableEntityException, as WAF does while a set is still being created or
     * propagated, and forwards everything else. Moto never answers so by itself.
     */
    private static final class UnavailableFirst implements AutoCloseable {
        private final com.sun.net.httpserver.HttpServer server;
        private final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();

        UnavailableFirst(String upstream, String operation, int failures) throws java.io.IOException {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
                if (target.endsWith("." + operation) && refused.get() < failures) {
                    refused.incrementAndGet();
                    byte[] error = "{\"__type\":\"WAFUnavailableEntityException\",\"Message\":\"not available yet\"}".getBytes();
                    exchange.getResponseHeaders().add("x-amzn-ErrorType", "WAFUnavailableEntityException");
                    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                    exchange.sendResponseHeaders(400, error.length);
                    exchange.getResponseBody().write(error);
                    exchange.close();
                    return;
                }
                java.net.http.HttpRequest.Builder forward = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(upstream + exchange.getRequestURI()))
                        .method(exchange.getRequestMethod(), java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
                exchange.getRequestHeaders().forEach((k, vs) -> {
                    if (!List.of("host", "content-length", "connection", "expect").contains(k.toLowerCase(java.util.Locale.ROOT))) {
                        vs.forEach(v -> forward.header(k, v));
                    }
                });
                try {
                    java.net.http.HttpResponse<byte[]> answer = http.send(forward.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                    answer.headers().map().forEach((k, vs) -> {
                        if (!List.of("content-length", "transfer-encoding", "connection", ":status").contains(k.toLowerCase(java.util.Locale.ROOT))) {
                            vs.forEach(v -> exchange.getResponseHeaders().add(k, v));
                        }
                    });
                    exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                    exchange.getResponseBody().write(answer.body());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(502, -1);
                }
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void block_whenWafSaysTheSetIsUnavailableAtFirst_retriesAndBlocks(SandboxInfo info, @TempDir Path home) throws Exception {
        String address = randomAddress() + "/32";
        for (String operation : List.of("GetIPSet", "UpdateIPSet")) {
            try (UnavailableFirst proxy = new UnavailableFirst(info.awsEndpoint(), operation, 2)) {
                Path env = java.nio.file.Files.writeString(home.resolve(operation + ".yaml"),
                        java.nio.file.Files.readString(info.environmentFile()).replace(info.awsEndpoint(), proxy.url()));
                try (OpsContext ops = OpsContext.builder().environment(io.discordination.ops.env.Environment.load(env))
                        .opsHome(home.resolve(operation)).confirmer(io.discordination.ops.gate.Confirmer.nonInteractive(true, null))
                        .build()) {
                    String cidr = operation.equals("GetIPSet") ? address : randomAddress() + "/32";
                    IpSetChange change = ops.waf().block(cidr);
                    assertThat(change.changed()).isTrue();
                    assertThat(proxy.refused.get()).as(operation + " answered unavailable").isEqualTo(2);
                    assertThat(read(info).ipSet().addresses()).contains(cidr);
                }
            }
        }
    }
}
