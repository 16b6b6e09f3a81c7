package dev.holdfast.config;

import java.util.Arrays;

/** Key material from a setting. Never printed: {@link #toString()} is masked. */
public final class Secret {
    private final byte[] bytes;

    Secret(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    /** A copy; callers wipe it when done where practical. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret && Arrays.equals(bytes, ((Secret) other).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return Settings.MASK;
    }
}
