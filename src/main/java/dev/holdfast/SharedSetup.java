package dev.holdfast;

import dev.holdfast.config.RedisUrl;
import dev.holdfast.config.Settings;
import dev.holdfast.credential.SharedCredentialStore;
import dev.holdfast.login.FleetFailures;
import dev.holdfast.shared.SharedConfig;
import dev.holdfast.shared.SharedState;
import dev.holdfast.shared.SharedStatus;
import dev.holdfast.token.RevocationList;
import dev.holdfast.token.Revoker;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BooleanSupplier;

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

    /** Connects when {@code shared.redisUrl} is set; otherwise everything stays on this node. */
    static SharedSetup open(Settings settings, RevocationList local, Clock clock) {
        Optional<RedisUrl> url = settings.find(Settings.SHARED_REDIS_URL);
        if (url.isEmpty()) {
            return new SharedSetup(local, null);
        }
        String namespace = settings.find(Settings.SHARED_NAMESPACE).orElseGet(() ->
                SharedConfig.defaultNamespace(settings.get(Settings.JWT_ISSUER), settings.find(Settings.JWT_AUDIENCE)));
        SharedConfig config = new SharedConfig(url.get(), namespace, settings.get(Settings.SHARED_TIMEOUT),
                settings.get(Settings.BREAKER_FAILURES), settings.get(Settings.BREAKER_OPEN_FOR), clock,
                Tokens.longestTokenLife(settings));
        return new SharedSetup(local, SharedState.open(config, local));
    }

    /** Where a logout revokes: this node's list, and the fleet's when shared state is on. */
    Revoker revoker() {
        return state == null ? local : state.revoker();
    }

    /** The throttle's fleet-wide counts; {@link FleetFailures#NONE} when shared state is off. */
    FleetFailures failures() {
        return state == null ? FleetFailures.NONE : state.failures();
    }

    /** The shared credential tier's store; empty when shared state is off. */
    Optional<SharedCredentialStore> credentialStore() {
        return state == null ? Optional.empty() : Optional.of(state.credentialStore());
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
