package io.discordination.ops.sandbox.livekit;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.RegisteredClaims;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;

import java.time.Clock;
import java.util.Map;

/**
 * Checks LiveKit access tokens as the server does: a JWT signed with HS256 using the secret of
 * the API key named in {@code iss}, within its {@code nbf}/{@code exp} window (10 s leeway), whose
 * {@code video} claim carries the grants. The JWT work is java-jwt's, the library the server SDK
 * signs its tokens with; any other algorithm, {@code none} included, is refused.
 *
 * <pre>{@code Grants grants = new AccessTokens(Map.of(key, secret), clock).verify(authorizationHeader);}</pre>
 */
public final class AccessTokens {
    /** Clock skew the server tolerates. */
    private static final long LEEWAY_SECONDS = 10;

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
        DecodedJWT unverified;
        try {
            unverified = JWT.decode(token);
        } catch (JWTDecodeException e) {
            throw new Unauthenticated("invalid authorization token");
        }
        // the key named in iss chooses the secret, so an unknown or missing issuer fails before any check
        String apiKey = unverified.getIssuer() == null ? "" : unverified.getIssuer();
        String secret = secretsByKey.get(apiKey);
        if (secret == null) throw new Unauthenticated("invalid API key: " + apiKey);
        DecodedJWT jwt;
        try {
            jwt = ((JWTVerifier.BaseVerification) JWT.require(Algorithm.HMAC256(secret)).withIssuer(apiKey)
                    .acceptLeeway(LEEWAY_SECONDS)).build(clock).verify(unverified);
        } catch (AlgorithmMismatchException e) {
            throw new Unauthenticated("invalid token: " + token + ", error: unexpected signing algorithm " + unverified.getAlgorithm());
        } catch (SignatureVerificationException e) {
            throw new Unauthenticated("invalid token: " + token + ", error: go-jose/go-jose: error in cryptographic primitive");
        } catch (TokenExpiredException e) {
            throw new Unauthenticated("invalid token: " + token + ", error: go-jose/go-jose/jwt: validation failed, token is expired (exp)");
        } catch (IncorrectClaimException e) {
            String claim = e.getClaimName();
            throw new Unauthenticated("invalid token: " + token + ", error: go-jose/go-jose/jwt: validation failed, " + switch (claim) {
                case RegisteredClaims.NOT_BEFORE -> "token not valid yet (nbf)";
                case RegisteredClaims.ISSUED_AT -> "token issued in the future (iat)";
                default -> "invalid claim (" + claim + ")";
            });
        } catch (JWTVerificationException e) {
            throw new Unauthenticated("invalid token: " + token + ", error: " + e.getMessage());
        }
        return grants(apiKey, jwt);
    }

    /** The {@code video} claim LiveKit puts in its tokens: {@code {"roomList": true, "roomAdmin": true, "room": "..."}}. */
    private static Grants grants(String apiKey, DecodedJWT jwt) throws Unauthenticated {
        Claim claim = jwt.getClaim("video");
        Map<String, Object> video;
        try {
            video = claim.isMissing() || claim.isNull() ? Map.of() : claim.asMap();
        } catch (JWTDecodeException e) {
            throw new Unauthenticated("invalid authorization token");
        }
        if (video == null) throw new Unauthenticated("invalid authorization token");
        return new Grants(apiKey, jwt.getSubject() == null ? "" : jwt.getSubject(),
                Boolean.TRUE.equals(video.get("roomList")), Boolean.TRUE.equals(video.get("roomCreate")),
                Boolean.TRUE.equals(video.get("roomAdmin")), video.get("room") instanceof String room ? room : "");
    }
}
