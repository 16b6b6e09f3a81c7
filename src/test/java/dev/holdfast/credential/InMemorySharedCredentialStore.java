package dev.holdfast.credential;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A {@link SharedCredentialStore} in memory, for tests: entries expire by the given clock as Redis's would; a test
 * can also play whoever writes the store ({@link #write}, {@link #raw}) and make every call fail or take time
 * ({@link #onEveryCall}). Thread-safe.
 */
public final class InMemorySharedCredentialStore implements SharedCredentialStore {
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger gets = new AtomicInteger();
    private final AtomicInteger puts = new AtomicInteger();
    private final AtomicInteger removes = new AtomicInteger();
    private final AtomicReference<Consumer<String>> onEveryCall = new AtomicReference<>(operation -> { });
    private final Map<String, Duration> lastTtl = new ConcurrentHashMap<>();

    private volatile boolean available = true;

    public InMemorySharedCredentialStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean available() {
        return available;
    }

    /** What {@link #available()} says from now on, as a client's breaker would. */
    public void available(boolean now) {
        available = now;
    }

    @Override
    public Optional<byte[]> get(String username) {
        gets.incrementAndGet();
        onEveryCall.get().accept("get");
        Entry entry = entries.get(username);
        if (entry == null || !clock.instant().isBefore(entry.expiresAt)) {
            return Optional.empty();
        }
        return Optional.of(entry.bytes.clone());
    }

    @Override
    public void put(String username, byte[] sealed, Duration ttl) {
        puts.incrementAndGet();
        onEveryCall.get().accept("put");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        lastTtl.put(username, ttl);
        entries.put(username, new Entry(sealed.clone(), clock.instant().plus(ttl)));
    }

    @Override
    public void remove(String username) {
        removes.incrementAndGet();
        onEveryCall.get().accept("remove");
        entries.remove(username);
    }

    /** Runs {@code action} (given "get", "put" or "remove") at the start of every call: throw, or move a clock. */
    public void onEveryCall(Consumer<String> action) {
        onEveryCall.set(action);
    }

    /** Whoever can write the store: puts {@code bytes} under {@code username}, kept until removed. */
    public void write(String username, byte[] bytes) {
        entries.put(username, new Entry(bytes.clone(), Instant.MAX));
    }

    /** What the store holds for {@code username}, as whoever can read it sees it (expiry ignored). */
    public Optional<byte[]> raw(String username) {
        return Optional.ofNullable(entries.get(username)).map(entry -> entry.bytes.clone());
    }

    /** The ttl of the last {@link #put} for {@code username}. */
    public Optional<Duration> lastTtl(String username) {
        return Optional.ofNullable(lastTtl.get(username));
    }

    public int gets() {
        return gets.get();
    }

    public int puts() {
        return puts.get();
    }

    public int removes() {
        return removes.get();
    }

    private static final class Entry {
        final byte[] bytes;
        final Instant expiresAt;

        Entry(byte[] bytes, Instant expiresAt) {
            this.bytes = bytes;
            this.expiresAt = expiresAt;
        }
    }
}
