package dev.holdfast;

import dev.holdfast.config.RedisUrl;
import dev.holdfast.config.Settings;
import dev.holdfast.credential.SharedCredentialStore;
import dev.holdfast.login.FleetFailures;
import dev.holdfast.shared.SharedConfig;
import dev.holdfast.shared.SharedState;
import dev.holdfast.shared.SharedStatus;
import dev.holdfast.token.Keys;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.Revoker;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Maps {@code shared.*} to {@link SharedState}. Without {@code holdfast.shared.redisUrl} every answer is this
 * node's own (its revocation list, no fleet counts, no shared credential store) and no Redis class is loaded:
 * only {@link #open} with a URL touches the {@code shared} package's Redis side.
 */
final class SharedSetup implements AutoCloseable {
    private final RevocationList local;
    private final SharedState state; // null when off

    private SharedSetup(RevocationList local, SharedState state) {
        this.local = local;
        this.state = state;
    }

    /**
     * Connects when {@code shared.redisUrl} is set, sharing revocations only: what a node that verifies tokens
     * and holds no secret needs (revoked token ids are not hashed).
     */
    static SharedSetup open(Settings settings, RevocationList local, Clock clock) {
        return open(settings, local, clock, Optional::empty);
    }

    /**
     * Connects when {@code shared.redisUrl} is set; otherwise everything stays on this node. With a name key,
     * also shares throttle counts and the credential tier.
     *
     * @param nameKey asked only when the URL is set: the key user names and client addresses are hashed under,
     *                see {@link #nameKey}
     */
    static SharedSetup open(Settings settings, RevocationList local, Clock clock, Supplier<Optional<byte[]>> nameKey) {
        Optional<RedisUrl> url = settings.find(Settings.SHARED_REDIS_URL);
        if (url.isEmpty()) {
            return new SharedSetup(local, null);
        }
        String namespace = settings.find(Settings.SHARED_NAMESPACE).orElseGet(() ->
                SharedConfig.defaultNamespace(settings.get(Settings.JWT_ISSUER), settings.find(Settings.JWT_AUDIENCE)));
        SharedConfig config = new SharedConfig(url.get(), namespace, settings.get(Settings.SHARED_TIMEOUT),
                settings.get(Settings.BREAKER_FAILURES), settings.get(Settings.BREAKER_OPEN_FOR), clock,
                Tokens.longestTokenLife(settings));
        Optional<byte[]> key = nameKey.get();
        return new SharedSetup(local, SharedState.open(key.isPresent() ? config.withNameKey(key.get()) : config, local));
    }

    /**
     * The key Redis key names are hashed under: a subkey of {@code cache.sharedKey} when set, else of the token
     * signing key. Every node of a fleet derives the same one when they share either.
     */
    static byte[] nameKey(Settings settings, Keys keys) {
        return settings.find(Settings.CACHE_SHARED_KEY).map(secret -> SharedConfig.nameKeyFrom(secret.bytes()))
                .orElseGet(() -> keys.deriveSubkey(SharedConfig.NAME_KEY_PURPOSE));
    }

    /** Where a logout revokes: this node's list, and the fleet's when shared state is on. */
    Revoker revoker() {
        return state == null ? local : state.revoker();
    }

    /** The throttle's fleet-wide counts; {@link FleetFailures#NONE} when shared state is off or shares revocations only. */
    FleetFailures failures() {
        return state == null || !state.sharesNamedState() ? FleetFailures.NONE : state.failures();
    }

    /** The shared credential tier's store; empty when shared state is off or shares revocations only. */
    Optional<SharedCredentialStore> credentialStore() {
        return state == null || !state.sharesNamedState() ? Optional.empty() : Optional.of(state.credentialStore());
    }

    /** Whether shared state works, asked without a call to Redis; empty when shared state is off. */
    Optional<BooleanSupplier> reachable() {
        return state == null ? Optional.empty() : Optional.of(state::reachable);
    }

    /** One probe of Redis for health; empty when shared state is off. */
    Optional<SharedStatus> status() {
        return state == null ? Optional.empty() : Optional.of(state.status());
    }

    @Override
    public void close() {
        if (state != null) {
            state.close();
        }
    }
}
