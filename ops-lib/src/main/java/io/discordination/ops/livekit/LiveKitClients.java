package io.discordination.ops.livekit;

import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;
import io.discordination.ops.Secret;
import io.discordination.ops.topology.LiveKitTopology;
import io.livekit.server.RoomServiceClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The context's LiveKit clients, created by the context on first use: the SDK's
 * {@link RoomServiceClient} (it signs each call with a token made from {@code livekit.apiKey} and
 * {@code livekit.apiSecret}) and a plain HTTP client for {@code /healthz}. {@code livekit.url} may
 * be http(s) or ws(s); the API is reached over http(s) either way.
 *
 * <pre>{@code RoomServiceClient rooms = LiveKitClients.create(topology.livekit(), "prod", redactor).rooms();}</pre>
 */
public final class LiveKitClients {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final String apiKey;
    private final RoomServiceClient rooms;
    private final HttpClient http;
    private final String environment;

    private LiveKitClients(URI url, String apiKey, Secret apiSecret, String environment) {
        this.url = url;
        this.apiKey = apiKey;
        this.environment = environment;
        // the SDK's own HTTP client: 10 s timeouts; its threads are daemons and need no closing
        this.rooms = RoomServiceClient.createClient(url.toString(), apiKey, apiSecret.reveal());
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Clients of {@code livekit} in {@code environment}; the API secret is registered with {@code redactor}. */
    public static LiveKitClients create(LiveKitTopology livekit, String environment, Redactor redactor) {
        Secret secret = Secret.of(livekit.apiSecret().required());
        redactor.register(secret);
        return new LiveKitClients(httpUrl(livekit.url().required(), environment), livekit.apiKey().required(), secret, environment);
    }

    /** {@code wss://host} becomes {@code https://host}; a trailing slash is dropped. */
    static URI httpUrl(String url, String environment) {
        String u = url.trim().replaceFirst("^wss://", "https://").replaceFirst("^ws://", "http://");
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        try {
            URI uri = URI.create(u);
            if (uri.getHost() == null || !(u.startsWith("http://") || u.startsWith("https://"))) throw new IllegalArgumentException(u);
            return uri;
        } catch (IllegalArgumentException e) {
            throw OpsException.builder("livekit.url '" + url + "' is not an http(s) or ws(s) URL").service("livekit")
                    .environment(environment).hint("use https://livekit.example.com (LIVEKIT_URL)").invalidInput();
        }
    }

    public RoomServiceClient rooms() {
        return rooms;
    }

    HttpClient http() {
        return http;
    }

    public URI url() {
        return url;
    }

    String apiKey() {
        return apiKey;
    }

    String environment() {
        return environment;
    }
}
