package io.discordination.ops;

import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Ops}'s current context is per thread: two contexts used at once on two threads (two
 * requests of an embedding service) each see only their own; threads a step starts inherit it;
 * a pooled thread never keeps a context whose scope has closed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpsCurrentContextTest {
    @TempDir
    Path home;

    /** What one thread saw while its scope was open. */
    private record Seen(String environment, String environmentOfAThreadItStarted, String result) {
    }

    @Test
    void context_whenTwoThreadsUseTwoContextsAtOnce_eachSeesOnlyItsOwnEnvironmentPlanAndAudit() throws Exception {
        ExecutorService requests = Executors.newFixedThreadPool(2);
        try (OpsContext alpha = context("alpha", Mode.DRY_RUN); OpsContext beta = context("beta", Mode.EXECUTE)) {
            CyclicBarrier bothOpen = new CyclicBarrier(2);
            Future<Seen> inAlpha = requests.submit(() -> handle(alpha, bothOpen));
            Future<Seen> inBeta = requests.submit(() -> handle(beta, bothOpen));

            Seen a = inAlpha.get(30, TimeUnit.SECONDS);
            Seen b = inBeta.get(30, TimeUnit.SECONDS);

            assertThat(a).isEqualTo(new Seen("alpha", "alpha", "planned alpha"));
            assertThat(b).isEqualTo(new Seen("beta", "beta", "done beta"));
            assertThat(alpha.plan().effects()).extracting(Effect::target).containsExactly("request of alpha");
            assertThat(beta.plan().effects()).isEmpty();
            assertThat(beta.gate().applied()).extracting(Effect::target).containsExactly("request of beta");
            assertThat(alpha.gate().applied()).isEmpty();
            List<AuditLog.Record> betaAudit = beta.gate().audit().read();
            assertThat(betaAudit).isNotEmpty().allSatisfy(r -> {
                assertThat(r.environment()).isEqualTo("beta");
                assertThat(r.effect().target()).isEqualTo("request of beta");
            });
            assertThat(alpha.gate().audit().read()).as("a plan writes no audit").isEmpty();
        } finally {
            requests.shutdownNow();
        }
    }

    @Test
    void context_whenAPooledThreadOutlivesTheScopeItInherited_refusesTheContextUntilATaskBringsItsOwn() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (OpsContext alpha = context("alpha", Mode.DRY_RUN); OpsContext beta = context("beta", Mode.DRY_RUN)) {
            try (Ops.Scope ignored = Ops.use(alpha)) {
                // the pool makes its thread now, inside alpha's scope: it inherits alpha
                assertThat(pool.submit(() -> Ops.environment().name()).get()).isEqualTo("alpha");
            }
            // alpha is still open (a long-lived embedding context), but the scope that lent it has closed
            assertThat(alpha.isClosed()).isFalse();
            Future<?> stale = pool.submit(() -> Ops.environment().name());
            assertThatThrownBy(stale::get).hasCauseInstanceOf(OpsException.class)
                    .hasMessageContaining("the scope it inherited its context from has closed")
                    .hasMessageContaining("Ops.inCurrentContext");

            AtomicReference<String> seen = new AtomicReference<>();
            try (Ops.Scope ignored = Ops.use(beta)) {
                pool.submit(Ops.inCurrentContext(() -> seen.set(Ops.environment().name()))).get();
                assertThat(seen.get()).isEqualTo("beta");
                seen.set(null);
                Ops.propagatingExecutor(pool).execute(() -> seen.set(Ops.environment().name()));
                pool.submit(() -> { }).get();
                assertThat(seen.get()).isEqualTo("beta");
                // the task's context does not stay behind on the pooled thread
                assertThatThrownBy(pool.submit(() -> Ops.environment().name())::get).hasCauseInstanceOf(OpsException.class);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void use_whenScopesNestOnOneThread_restoresTheOuterAndLeavesOtherThreadsWithout() throws Exception {
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        AtomicReference<Throwable> ofUnrelated = new AtomicReference<>();
        // made before any scope opens: it must not see the one this thread opens later
        Thread unrelated = new Thread(() -> {
            try {
                go.await();
                ofUnrelated.set(new AssertionError("saw " + Ops.environment().name()));
            } catch (Throwable t) {
                ofUnrelated.set(t);
            }
        });
        unrelated.start();
        try (OpsContext alpha = context("alpha", Mode.DRY_RUN); OpsContext beta = context("beta", Mode.DRY_RUN)) {
            try (Ops.Scope outer = Ops.use(alpha)) {
                try (Ops.Scope inner = Ops.use(beta)) {
                    assertThat(Ops.environment().name()).isEqualTo("beta");
                }
                assertThat(Ops.environment().name()).isEqualTo("alpha");
                AtomicReference<String> ofStarted = new AtomicReference<>();
                Thread started = new Thread(() -> ofStarted.set(Ops.environment().name()));
                started.start();
                started.join();
                assertThat(ofStarted.get()).isEqualTo("alpha");
                go.countDown();
                unrelated.join();
                assertThat(ofUnrelated.get()).isInstanceOf(OpsException.class).hasMessageStartingWith("No OpsContext is open.");
            }
            assertThatThrownBy(Ops::context).isInstanceOf(OpsException.class).hasMessageStartingWith("No OpsContext is open.");
        }
    }

    /** One request: makes its context current, meets the other request (both scopes open), then calls through Ops. */
    private static Seen handle(OpsContext context, CyclicBarrier bothOpen) throws Exception {
        try (Ops.Scope ignored = Ops.use(context)) {
            bothOpen.await(20, TimeUnit.SECONDS);
            String environment = Ops.environment().name();
            AtomicReference<String> ofChild = new AtomicReference<>();
            AtomicReference<String> result = new AtomicReference<>();
            Thread started = new Thread(() -> {
                ofChild.set(Ops.environment().name());
                Effect effect = Effect.on("test", "request of " + Ops.environment().name()).verb("answer").build();
                result.set(Ops.context().gate().apply(effect, () -> "done " + Ops.environment().name(),
                        () -> "planned " + Ops.environment().name()));
            });
            started.start();
            started.join();
            bothOpen.await(20, TimeUnit.SECONDS);
            return new Seen(environment, ofChild.get(), result.get());
        }
    }

    private OpsContext context(String name, Mode mode) throws IOException {
        Path file = home.resolve(name + ".yaml");
        Files.writeString(file, "name: " + name + "\n");
        return OpsContext.builder().environment(Environment.load(file, variable -> null)).opsHome(home).mode(mode)
                .confirmer(Confirmer.nonInteractive(false, null)).build();
    }
}
