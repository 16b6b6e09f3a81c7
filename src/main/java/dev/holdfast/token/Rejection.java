package dev.holdfast.token;

/**
 * Why a token was refused. {@link #description()} is a fixed text, safe to send to the client and to log:
 * it never contains anything from the token.
 */
public enum Rejection {
    MALFORMED("the token is not a well-formed JWS compact serialization"),
    TOO_LARGE("the token is too large"),
    UNSUPPORTED("encrypted, nested or otherwise unsupported tokens are not accepted"),
    ALGORITHM_NOT_ALLOWED("the token's algorithm is not allowed"),
    UNTRUSTED_KEY_HEADER("keys named, linked or carried by the token itself are not trusted"),
    UNKNOWN_KEY("the token names no key this server verifies with"),
    KEYS_UNAVAILABLE("the keys to verify the token cannot be fetched right now"),
    BAD_SIGNATURE("the token's signature does not verify"),
    WRONG_TYPE("the token is not an access token (typ at+jwt)"),
    MISSING_CLAIM("the token lacks a required claim"),
    MALFORMED_CLAIM("a claim in the token has the wrong type"),
    EXPIRED("the token has expired"),
    NOT_YET_VALID("the token is not valid yet"),
    ISSUED_IN_FUTURE("the token was issued in the future"),
    LIFETIME_TOO_LONG("the token's lifetime is longer than allowed"),
    WRONG_ISSUER("the token's issuer is not trusted"),
    WRONG_AUDIENCE("the token is not meant for this audience"),
    REVOKED("the token has been revoked");

    private final String description;

    Rejection(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
