package dev.holdfast.web;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.util.Optional;

/**
 * Decides whether a {@code next} value is a path inside this application, so a redirect to it can never
 * leave the host. Every form the value takes under repeated percent-decoding must pass, because a browser, a
 * proxy or the application may decode it again: {@code //host}, {@code /\host}, a scheme, control characters,
 * backslashes, {@code .}/{@code ..} segments and their encoded variants ({@code %2F%2F}, {@code %5C}) are refused.
 */
public final class SafeRedirects {

    static final int MAX_LENGTH = 2048;
    private static final int MAX_DECODING_ROUNDS = 3;

    private SafeRedirects() {
    }

    /** Whether {@code next} is a local path such as {@code /orders?id=7}. Null is not. */
    public static boolean isLocalPath(String next) {
        if (next == null || next.isEmpty() || next.length() > MAX_LENGTH || next.chars().anyMatch(Character::isWhitespace)) {
            // A raw space has no place in a Location header; %20 is how a path carries one.
            return false;
        }
        String current = next;
        for (int round = 0; round <= MAX_DECODING_ROUNDS; round++) {
            if (!isPlainLocalPath(current)) {
                return false;
            }
            Optional<String> decoded = percentDecode(current);
            if (decoded.isEmpty()) {
                return false;
            }
            if (decoded.get().equals(current)) {
                return true;
            }
            current = decoded.get();
        }
        return false; // still changing after several rounds: nobody legitimate encodes that deep
    }

    /** {@code next} when it is a local path, else {@code fallback}. */
    public static String localPathOr(String next, String fallback) {
        return isLocalPath(next) ? next : fallback;
    }

    private static boolean isPlainLocalPath(String path) {
        if (!path.startsWith("/") || path.startsWith("//")) {
            return false;
        }
        // Browsers drop tabs and newlines anywhere in a URL ("/\t/host" becomes "//host"), so control
        // characters are refused; an encoded space (%20) is harmless.
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || Character.isISOControl(c)
                    || c == '\u2028' || c == '\u2029') {
                return false;
            }
        }
        int end = path.length();
        for (char stop : new char[] {'?', '#'}) {
            int at = path.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        for (String segment : path.substring(0, end).split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** Percent-decodes as UTF-8; empty for a broken escape or bytes that are not UTF-8. {@code +} stays. */
    private static Optional<String> percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return Optional.of(s);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isSurrogate(c)) {
                    return Optional.empty(); // only ASCII and whole code points reach a redirect
                }
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
