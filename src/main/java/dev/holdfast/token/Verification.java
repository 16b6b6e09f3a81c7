package dev.holdfast.token;

import java.util.Objects;
import java.util.Optional;

/** The outcome of {@link TokenVerifier#verify(String)}: a verified token or the reason it was refused. */
public final class Verification {

    private final VerifiedToken token;
    private final Rejection rejection;

    private Verification(VerifiedToken token, Rejection rejection) {
        this.token = token;
        this.rejection = rejection;
    }

    static Verification accepted(VerifiedToken token) {
        return new Verification(Objects.requireNonNull(token, "token"), null);
    }

    static Verification rejected(Rejection rejection) {
        return new Verification(null, Objects.requireNonNull(rejection, "rejection"));
    }

    public boolean isValid() {
        return token != null;
    }

    public Optional<VerifiedToken> token() {
        return Optional.ofNullable(token);
    }

    public Optional<Rejection> rejection() {
        return Optional.ofNullable(rejection);
    }

    @Override
    public String toString() {
        return token != null ? "Verification[valid, " + token + "]" : "Verification[" + rejection + "]";
    }
}
