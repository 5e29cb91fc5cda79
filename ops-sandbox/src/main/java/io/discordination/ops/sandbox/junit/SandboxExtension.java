package io.discordination.ops.sandbox.junit;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxInfo;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;

/**
 * Gives tests a running sandbox, shared by every test class of the run. The OPS_HOME is the
 * system property {@code ops.test.home}, else the environment variable {@code OPS_TEST_HOME},
 * else {@code /tmp/ops-sandbox-test-<user>}. A healthy sandbox already up there is reused and
 * left running; otherwise one is started and stopped when the test run ends (only what was
 * started). Parameters of type {@link SandboxInfo} and {@link Sandbox} are resolved; a class
 * annotated {@link ResetSandbox} gets the seeded state back before it runs.
 *
 * <pre>{@code
 * @ExtendWith(SandboxExtension.class)
 * class RedisFlushTest {
 *     @Test void flush_whenApiCacheOnly_keepsSessions(SandboxInfo sandbox) { ... }
 * }
 * }</pre>
 */
public final class SandboxExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SandboxExtension.class);

    /** The OPS_HOME tests use. */
    public static Path testHome() {
        String configured = System.getProperty("ops.test.home");
        if (configured == null || configured.isBlank()) configured = System.getenv("OPS_TEST_HOME");
        if (configured == null || configured.isBlank()) {
            configured = "/tmp/ops-sandbox-test-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_-]", "");
        }
        return Path.of(configured).toAbsolutePath().normalize();
    }

    /** The sandbox of one test run, stopped at its end if this run started it. */
    static final class Shared implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final Sandbox sandbox;
        final boolean startedHere;
        volatile SandboxInfo info;

        Shared(Sandbox sandbox) {
            this.sandbox = sandbox;
            this.startedHere = !sandbox.isUp();
            this.info = sandbox.up();
        }

        @Override
        public void close() {
            if (startedHere) sandbox.down();
        }
    }

    private static Shared shared(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Shared.class, key -> new Shared(Sandbox.at(testHome())), Shared.class);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Shared shared = shared(context);
        boolean reset = context.getTestClass().map(c -> c.isAnnotationPresent(ResetSandbox.class)).orElse(false);
        if (reset) shared.info = shared.sandbox.reset();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == SandboxInfo.class || type == Sandbox.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        Shared shared = shared(extension);
        Class<?> type = parameter.getParameter().getType();
        if (type == SandboxInfo.class) return shared.info;
        if (type == Sandbox.class) return shared.sandbox;
        throw new ParameterResolutionException("SandboxExtension cannot resolve " + type);
    }
}
