package dev.holdfast.password;

import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/** The Base64 spellings that stored hashes use for their salt and hash fields. */
final class Base64Fields {

    private static final Pattern STANDARD_UNPADDED = Pattern.compile("[A-Za-z0-9+/]*");
    private static final Pattern ADAPTED_UNPADDED = Pattern.compile("[A-Za-z0-9./]*");
    private static final Pattern STANDARD_PADDED = Pattern.compile("([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");

    private Base64Fields() {
    }

    /** Standard alphabet, no padding (PHC strings). */
    static Optional<byte[]> standardUnpadded(String field) {
        if (!STANDARD_UNPADDED.matcher(field).matches() || field.length() % 4 == 1) {
            return Optional.empty();
        }
        return Optional.of(Base64.getDecoder().decode(field));
    }

    /** passlib's "adapted base64": standard alphabet with {@code .} for {@code +}, no padding. */
    static Optional<byte[]> adaptedUnpadded(String field) {
        if (!ADAPTED_UNPADDED.matcher(field).matches()) {
            return Optional.empty();
        }
        return standardUnpadded(field.replace('.', '+'));
    }

    /** Standard alphabet with padding (Django). */
    static Optional<byte[]> standardPadded(String field) {
        if (!STANDARD_PADDED.matcher(field).matches()) {
            return Optional.empty();
        }
        return Optional.of(Base64.getDecoder().decode(field));
    }
}
