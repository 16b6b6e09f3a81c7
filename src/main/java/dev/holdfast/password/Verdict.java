package dev.holdfast.password;

import java.util.Objects;

/**
 * What one hash family said about one stored hash. {@link #detail()} names the part that is wrong or over
 * its bound and may carry a parameter value (a cost, an iteration count), never the hash or the password,
 * so it is safe to log.
 */
final class Verdict {

    enum Kind { MATCH, MISMATCH, MALFORMED, OVER_BOUND }

    static final Verdict MATCH = new Verdict(Kind.MATCH, "");
    static final Verdict MISMATCH = new Verdict(Kind.MISMATCH, "");

    private final Kind kind;
    private final String detail;

    private Verdict(Kind kind, String detail) {
        this.kind = kind;
        this.detail = detail;
    }

    static Verdict of(boolean matched) {
        return matched ? MATCH : MISMATCH;
    }

    static Verdict malformed(String detail) {
        return new Verdict(Kind.MALFORMED, Objects.requireNonNull(detail, "detail"));
    }

    static Verdict overBound(String detail) {
        return new Verdict(Kind.OVER_BOUND, Objects.requireNonNull(detail, "detail"));
    }

    Kind kind() {
        return kind;
    }

    String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return detail.isEmpty() ? kind.name() : kind + " (" + detail + ")";
    }
}
