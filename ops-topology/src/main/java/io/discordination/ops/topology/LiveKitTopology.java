package io.discordination.ops.topology;

/**
 * The {@code livekit:} section: the voice cluster's server API.
 *
 * <pre>{@code String url = topology.livekit().url().required();}</pre>
 *
 * @param url       {@code https://livekit.example.com} (a {@code wss://} URL works too)
 * @param apiKey    the API key
 * @param apiSecret the API secret: secret
 */
public record LiveKitTopology(Setting url, Setting apiKey, @Credential Setting apiSecret) {
    public LiveKitTopology {
        url = Defaults.orAbsent(url);
        apiKey = Defaults.orAbsent(apiKey);
        apiSecret = Defaults.orAbsent(apiSecret);
    }

    static LiveKitTopology empty() {
        return new LiveKitTopology(null, null, null);
    }
}
