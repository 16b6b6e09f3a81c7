package dev.holdfast.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline: a loaded machine makes it slower, never wrong. */
public final class Await {
    /** Long enough for any condition that must come true; the figures tests print are measured, not this. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private Await() {
    }

    /** @throws AssertionError naming {@code what} when {@code condition} is not true within {@link #PATIENCE} */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + PATIENCE + ": " + what);
            }
            Thread.sleep(5);
        }
    }
}
