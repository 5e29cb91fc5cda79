package io.discordination.ops.topology;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a setting whose value is secret ({@code livekit.apiSecret}), or, with {@link #inUrl()},
 * a connection URL whose credentials are ({@code redis.url}: its hosts are no secret). Readers
 * of an environment never print such a value and register it with their redactor;
 * {@link TopologyFiles#credentials()} lists them.
 *
 * <pre>{@code @Credential Setting apiSecret}</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
public @interface Credential {
    /** True for a URL: the password (and any {@code password=} parameter) is secret, the hosts are not. */
    boolean inUrl() default false;
}
