package io.discordination.ops.sandbox.livekit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

/**
 * Checks LiveKit access tokens as the server does: a JWT signed with HS256 using the secret of
 * the API key named in {@code iss}, within its {@code nbf}/{@code exp} window, whose
 * {@code video} claim carries the grants.
 *
 * <pre>{@code Grants grants = new AccessTokens(Map.of(key, secret), clock).verify(authorizationHeader);}</pre>
 */
public final class AccessTokens {
    /** Clock skew the server tolerates. */
    private static final long LEEWAY_SECONDS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> secretsByKey;
    private final Clock clock;

    public AccessTokens(Map<String, String> secretsByKey, Clock clock) {
        this.secretsByKey = Map.copyOf(secretsByKey);
        this.clock = clock;
    }

    /** The video grants of a token. */
    public record Grants(String apiKey, String identity, boolean roomList, boolean roomCreate, boolean roomAdmin, String room) {
        static final Grants NONE = new Grants("", "", false, false, false, "");

        boolean canAdmin(String roomName) {
            return roomAdmin && room.equals(roomName);
        }
    }

    /** A request that fails authentication: the server answers 401 with this message. */
    public static final class Unauthenticated extends Exception {
        Unauthenticated(String message) {
            super(message);
        }
    }

    /**
     * The grants of the bearer token in {@code authorization}; no header at all means no grants
     * (each call then fails its own permission check, as on the real server).
     */
    public Grants verify(String authorization) throws Unauthenticated {
        if (authorization == null || authorization.isEmpty()) return Grants.NONE;
        if (!authorization.startsWith("Bearer ")) {
            throw new Unauthenticated("invalid authorization header. Must start with Bearer ");
        }
        String token = authorization.substring("Bearer ".length()).trim();
        String[] parts = token.split("\\.");
        if (parts.length != 3) throw new Unauthenticated("invalid authorization token");
        JsonNode header;
        JsonNode claims;
        try {
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (Exception e) {
            throw new Unauthenticated("invalid authorization token");
        }
        String apiKey = claims.path("iss").asText("");
        String secret = secretsByKey.get(apiKey);
        if (secret == null) throw new Unauthenticated("invalid API key: " + apiKey);
        if (!"HS256".equals(header.path("alg").asText())) {
            throw new Unauthenticated("invalid token: " + token + ", error: unexpected signing algorithm " + header.path("alg").asText());
        }
        byte[] expected = hmac(secret, parts[0] + "." + parts[1]);
        byte[] actual;
        try {
            actual = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new Unauthenticated("invalid authorization token");
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new Unauthenticated("invalid token: " + token + ", error: go-jose/go-jose: error in cryptographic primitive");
        }
        long now = clock.instant().getEpochSecond();
        if (claims.has("exp") && now > claims.path("exp").asLong() + LEEWAY_SECONDS) {
            throw new Unauthenticated("invalid token: " + token + ", error: go-jose/go-jose/jwt: validation failed, token is expired (exp)");
        }
        if (claims.has("nbf") && now + LEEWAY_SECONDS < claims.path("nbf").asLong()) {
            throw new Unauthenticated("invalid token: " + token + ", error: go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)");
        }
        JsonNode video = claims.path("video");
        return new Grants(apiKey, claims.path("sub").asText(""),
                video.path("roomList").asBoolean(false), video.path("roomCreate").asBoolean(false),
                video.path("roomAdmin").asBoolean(false), video.path("room").asText(""));
    }

    static byte[] hmac(String secret, String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
