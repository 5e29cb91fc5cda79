package io.discordination.ops.sandbox.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts the shared sandbox back to its seeded state before the annotated test class runs. Use it
 * on classes that change state (flush keys, delete sessions, kick participants, run tasks).
 *
 * <pre>{@code @ExtendWith(SandboxExtension.class) @ResetSandbox class FlushCacheTest { ... }}</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ResetSandbox {
}
