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
                    try (OpsContext ops = SandboxAws.context(info, ownHome)) {
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
                assertThat(e.command()).startsWith("aws wafv2 update-ip-set --name blocked-ips --scope REGIONAL --id " + info.ipSetId())
                        .contains(address + "/32").contains("--lock-token");
                assertThat(e.inverse()).contains("grep -vx " + address + "/32");
            });
        }
        assertThat(read(info).lockToken()).isEqualTo(before.lockToken());
    }
}
