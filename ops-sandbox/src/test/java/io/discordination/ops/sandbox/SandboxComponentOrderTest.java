package io.discordination.ops.sandbox;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The order {@code down} stops components in, from what each says it depends on (no servers needed). */
@Tag("unit")
class SandboxComponentOrderTest {

    private record Named(String name, List<String> dependsOn) implements SandboxComponent {
        @Override
        public String commandMark() {
            return name;
        }

        @Override
        public Path log() {
            return Path.of(name + ".log");
        }

        @Override
        public String address(int port) {
            return "127.0.0.1:" + port;
        }

        @Override
        public long start(int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isHealthy(int port) {
            return false;
        }

        @Override
        public String healthDetail(int port) {
            return "";
        }

        @Override
        public Optional<String> seed(int port, boolean justStarted) {
            return Optional.empty();
        }
    }

    private static List<String> names(List<SandboxComponent> components) {
        return components.stream().map(SandboxComponent::name).toList();
    }

    @Test
    void stopOrder_ofTheSandboxsComponents_stopsTheAgentFirstThenTheRestAsListed() {
        List<SandboxComponent> components = List.of(new Named("moto", List.of()), new Named("redis", List.of()),
                new Named("postgres", List.of()), new Named("agent", List.of("moto")));

        assertThat(names(Sandbox.stopOrder(components))).containsExactly("agent", "moto", "redis", "postgres");
    }

    @Test
    void stopOrder_whenDependenciesChain_stopsEachBeforeWhatItDependsOn() {
        List<SandboxComponent> components = List.of(new Named("a", List.of()), new Named("b", List.of("c")),
                new Named("c", List.of("a")), new Named("d", List.of()));

        assertThat(names(Sandbox.stopOrder(components))).containsExactly("b", "c", "a", "d");
    }

    @Test
    void stopOrder_whenComponentsDependOnEachOtherInACircle_refusesWithTheirNames() {
        List<SandboxComponent> components = List.of(new Named("a", List.of("b")), new Named("b", List.of("a")));

        assertThatThrownBy(() -> Sandbox.stopOrder(components)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("circle").hasMessageContaining("a").hasMessageContaining("b");
    }
}
