package dev.holdfast.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * At most one line per kind of event per interval, the next one saying how many were left out: whoever can write
 * the shared store, or flood the revocation list, or a store that keeps failing, cannot fill the log with one line
 * per login or logout. Thread-safe.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public RateLimitedLog(Logger log, Duration interval, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** WARN {@code message} (SLF4J {@code {}} placeholders) unless a line of {@code kind} was logged within the interval. */
    public void warn(String kind, String message, Object... arguments) {
        long left = windows.computeIfAbsent(kind, k -> new Window()).admit(clock.instant(), interval);
        if (left >= 0) {
            log.warn(withOmitted(message, left), arguments);
        }
    }

    /** As {@link #warn}, at INFO. */
    public void info(String kind, String message, Object... arguments) {
        long left = windows.computeIfAbsent(kind, k -> new Window()).admit(clock.instant(), interval);
        if (left >= 0) {
            log.info(withOmitted(message, left), arguments);
        }
    }

    private static String withOmitted(String message, long omitted) {
        return omitted == 0 ? message : message + " (" + omitted + " more like it not logged since the last line)";
    }

    /** One kind's last line and the lines left out since. */
    private static final class Window {
        private Instant lastLogged;
        private long omitted;

        /** How many were left out before this one when it may be logged now, else -1 (and it is counted). */
        synchronized long admit(Instant now, Duration interval) {
            if (lastLogged != null && now.isBefore(lastLogged.plus(interval))) {
                omitted++;
                return -1;
            }
            long before = omitted;
            lastLogged = now;
            omitted = 0;
            return before;
        }
    }
}
