package dev.holdfast.login;

import dev.holdfast.credential.CredentialQueryException;
import dev.holdfast.credential.SqlHashUpdate;
import dev.holdfast.credential.StoredCredential;
import dev.holdfast.db.DatabaseUnavailableException;
import dev.holdfast.password.PasswordVerifier;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rehashes, with the current {@link dev.holdfast.password.HashPolicy}, a password the database just verified
 * against a weaker stored hash, and stores it with {@code sql.updateHash} ({@link SqlHashUpdate}) — in the
 * background, on one thread with a queue of {@value #QUEUE} users, so that a login is never delayed or failed by
 * it. A full queue, a database that cannot answer, a password bcrypt cannot hold (over 72 bytes) or a hash changed
 * meanwhile all leave the old hash in place: the next login tries again.
 *
 * <p>A queued upgrade holds a copy of the password until it is hashed; the copy is wiped after hashing, when the
 * upgrade is dropped, and at {@link #close()}.
 */
public final class PasswordUpgrades implements AutoCloseable {
    static final int QUEUE = 32;
    private static final Logger log = LoggerFactory.getLogger(PasswordUpgrades.class);

    private final Optional<SqlHashUpdate> update;
    private final PasswordVerifier passwords;
    private final ThreadPoolExecutor executor;
    /** Usernames with an upgrade queued or running: one at a time per user. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean warned = new AtomicBoolean();

    private PasswordUpgrades(Optional<SqlHashUpdate> update, PasswordVerifier passwords) {
        this.update = update;
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        if (update.isPresent()) {
            executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), runnable -> {
                Thread thread = new Thread(runnable, "holdfast-password-upgrade");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.AbortPolicy());
            executor.allowCoreThreadTimeOut(true);
        } else {
            executor = null;
        }
    }

    /** Upgrades through {@code update} (the main database), hashing with {@code passwords}' policy. */
    public static PasswordUpgrades through(SqlHashUpdate update, PasswordVerifier passwords) {
        return new PasswordUpgrades(Optional.of(Objects.requireNonNull(update, "update")), passwords);
    }

    /** No upgrades ({@code sql.updateHash} unset, or the break-glass path, whose replica may be read-only). */
    public static PasswordUpgrades off(PasswordVerifier passwords) {
        return new PasswordUpgrades(Optional.empty(), passwords);
    }

    /** True when upgrades are stored at all. */
    public boolean enabled() {
        return update.isPresent();
    }

    /**
     * Queues an upgrade when {@code credential}'s hash, which the database just verified for {@code password},
     * is below the policy; returns at once. Copies {@code password}: the caller still wipes its own.
     */
    void offer(StoredCredential credential, char[] password) {
        if (update.isEmpty() || executor.isShutdown() || !passwords.needsRehash(credential.passwordHash())) {
            return;
        }
        if (!pending.add(credential.username())) {
            return;
        }
        Upgrade upgrade = new Upgrade(credential, password.clone());
        try {
            executor.execute(upgrade);
        } catch (RejectedExecutionException e) {
            upgrade.drop();
            log.debug("holdfast: password upgrade of [{}] skipped: {} upgrades already queued", credential.username(), QUEUE);
        }
    }

    /** Upgrades queued or running now. */
    int queued() {
        return pending.size();
    }

    /** Stops the thread (a running upgrade finishes its database call within the deadline) and wipes queued passwords. */
    @Override
    public void close() {
        if (executor == null) {
            return;
        }
        List<Runnable> never = executor.shutdownNow();
        for (Runnable runnable : never) {
            ((Upgrade) runnable).drop();
        }
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Upgrade implements Runnable {
        private final StoredCredential credential;
        private final char[] password;

        Upgrade(StoredCredential credential, char[] password) {
            this.credential = credential;
            this.password = password;
        }

        @Override
        public void run() {
            String from = passwords.familyName(credential.passwordHash()).orElse("unknown");
            try {
                String fresh;
                try {
                    fresh = passwords.hash(password);
                } catch (IllegalArgumentException tooLongForBcrypt) {
                    // the exception's message gives the password's length: not for the log
                    log.info("holdfast: the {} password hash of [{}] is not upgraded: the password is longer than"
                            + " bcrypt's 72 bytes", from, credential.username());
                    return;
                }
                int rows = update.get().replace(credential.username(), credential.passwordHash(), fresh);
                if (rows == 1) {
                    log.info("holdfast: upgraded the password hash of [{}] from {} to bcrypt cost {}",
                            credential.username(), from, passwords.policy().bcryptCost());
                } else {
                    log.debug("holdfast: password upgrade of [{}] changed {} rows (changed meanwhile?)",
                            credential.username(), rows);
                }
            } catch (DatabaseUnavailableException e) {
                log.debug("holdfast: password upgrade of [{}] deferred: the database cannot answer ({})",
                        credential.username(), e.reason());
            } catch (CredentialQueryException e) {
                if (warned.compareAndSet(false, true)) {
                    log.warn("holdfast: {}; password hashes are not upgraded until it is fixed (further failures at DEBUG)",
                            e.getMessage());
                } else {
                    log.debug("holdfast: {}", e.getMessage());
                }
            } finally {
                drop();
            }
        }

        void drop() {
            Arrays.fill(password, '\0');
            pending.remove(credential.username());
        }
    }
}
