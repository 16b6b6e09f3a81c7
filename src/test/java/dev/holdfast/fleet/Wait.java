package dev.holdfast.fleet;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on a condition with a deadline: generous, since the fleet's JVMs share a busy machine. */
final class Wait {
    private static final Duration POLL = Duration.ofMillis(20);

    private Wait() {
    }

    static void until(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        until(condition, within, () -> what);
    }

    /** Returns once {@code condition} holds; fails after {@code within} with {@code what} (computed then). */
    static void until(BooleanSupplier condition, Duration within, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what.get());
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
