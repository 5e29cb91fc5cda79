package io.discordination.ops;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CallCounterTest {
    @Test
    void since_whenCountedBetweenSnapshots_keepsOnlyWhatWasCountedInBetweenSorted() {
        CallCounter counter = new CallCounter();
        counter.count("INFO");
        counter.count("SCAN");
        Map<String, Long> before = counter.snapshot();
        counter.count("INFO");
        counter.count("CLIENT");
        counter.count("INFO");

        Map<String, Long> made = CallCounter.since(counter.snapshot(), before);

        assertThat(made).containsExactly(Map.entry("CLIENT", 1L), Map.entry("INFO", 2L));
        assertThat(CallCounter.describe(made)).isEqualTo("CLIENT=1 INFO=2");
        assertThat(CallCounter.describe(CallCounter.since(before, before))).isEqualTo("none");
    }

    @Test
    void snapshot_whenTakenEarlier_doesNotChangeWithLaterCounts() {
        CallCounter counter = new CallCounter();
        counter.count("SELECT");
        Map<String, Long> first = counter.snapshot();

        counter.count("SELECT");

        assertThat(first).isEqualTo(Map.of("SELECT", 1L));
        assertThat(counter.snapshot()).isEqualTo(Map.of("SELECT", 2L));
    }

    @Test
    void count_whenManyThreadsCountAtOnce_losesNone() throws Exception {
        CallCounter counter = new CallCounter();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                for (int i = 0; i < 10_000; i++) counter.count(i % 2 == 0 ? "GET" : "SET");
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();

        assertThat(counter.snapshot()).isEqualTo(Map.of("GET", 20_000L, "SET", 20_000L));
    }
}
