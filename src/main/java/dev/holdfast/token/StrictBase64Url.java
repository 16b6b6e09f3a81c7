package dev.holdfast.token;

import java.util.Arrays;

/**
 * Base64url without padding, decoded strictly: a part is accepted only when it is exactly what encoding its bytes
 * gives (no padding, no characters outside the alphabet, no stray bits in the last character), so one token has
 * exactly one spelling. Decodes from and into caller-owned arrays: nothing is allocated per token.
 */
final class StrictBase64Url {

    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private StrictBase64Url() {
    }

    static boolean isAlphabet(char c) {
        return c < 128 && VALUES[c] >= 0;
    }

    /** How many bytes {@code chars} characters decode to, or -1 when no canonical encoding has that length. */
    static int decodedLength(int chars) {
        int rest = chars % 4;
        if (rest == 1) {
            return -1;
        }
        return chars / 4 * 3 + (rest == 0 ? 0 : rest - 1);
    }

    /**
     * Decodes {@code src[from, to)} (ASCII) into {@code dst} at {@code at}.
     *
     * @return the number of bytes written, or -1 when the part is not canonical base64url
     */
    static int decode(byte[] src, int from, int to, byte[] dst, int at) {
        int length = decodedLength(to - from);
        if (length < 0) {
            return -1;
        }
        int out = at;
        int i = from;
        int bad = 0;
        for (int end = to - (to - from) % 4; i < end; i += 4) {
            int a = value(src[i]);
            int b = value(src[i + 1]);
            int c = value(src[i + 2]);
            int d = value(src[i + 3]);
            bad |= a | b | c | d;
            int bits = a << 18 | b << 12 | c << 6 | d;
            dst[out++] = (byte) (bits >> 16);
            dst[out++] = (byte) (bits >> 8);
            dst[out++] = (byte) bits;
        }
        int rest = to - i;
        if (rest == 2) {
            int a = value(src[i]);
            int b = value(src[i + 1]);
            bad |= a | b | ((b & 0x0F) == 0 ? 0 : -1);
            dst[out++] = (byte) ((a << 18 | b << 12) >> 16);
        } else if (rest == 3) {
            int a = value(src[i]);
            int b = value(src[i + 1]);
            int c = value(src[i + 2]);
            bad |= a | b | c | ((c & 0x03) == 0 ? 0 : -1);
            int bits = a << 18 | b << 12 | c << 6;
            dst[out++] = (byte) (bits >> 16);
            dst[out++] = (byte) (bits >> 8);
        }
        return bad < 0 ? -1 : out - at;
    }

    private static int value(byte b) {
        return b < 0 ? -1 : VALUES[b];
    }
}
