package dev.holdfast.token;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A few reusable objects ({@code Mac}, {@code MessageDigest}, scratch buffers) shared by request threads without
 * a {@code ThreadLocal}: a ThreadLocal would leave a value in every container worker thread, which keeps the
 * application's class loader reachable after an undeploy. A thread takes an object from a slot picked by its id
 * and puts it back when done; when the slots it looks at are empty (more threads at once than slots) it makes a
 * new object, and when they are full it drops the one it had. Taking and giving never block and never allocate.
 */
final class ObjectPool<T> {

    private static final int PROBES = 3;

    private final AtomicReferenceArray<T> slots;
    private final int mask;
    private final Supplier<T> factory;

    ObjectPool(Supplier<T> factory) {
        this.factory = factory;
        int wanted = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        int size = Integer.highestOneBit(wanted - 1) << 1;
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    T take() {
        int start = home();
        for (int i = 0; i < PROBES; i++) {
            T found = slots.getAndSet((start + i) & mask, null);
            if (found != null) {
                return found;
            }
        }
        return factory.get();
    }

    void give(T object) {
        int start = home();
        for (int i = 0; i < PROBES; i++) {
            if (slots.compareAndSet((start + i) & mask, null, object)) {
                return;
            }
        }
    }

    private int home() {
        long id = Thread.currentThread().getId();
        return (int) (id ^ (id >>> 16)) * 0x9E3779B9 >>> 8;
    }
}
