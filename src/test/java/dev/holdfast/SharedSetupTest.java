package dev.holdfast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.holdfast.config.ConfigException;
import dev.holdfast.config.Settings;
import dev.holdfast.config.SettingsReader;
import dev.holdfast.credential.CredentialTier;
import dev.holdfast.login.FleetFailures;
import dev.holdfast.shared.SharedConfig;
import dev.holdfast.testing.TestSecrets;
import dev.holdfast.token.Keys;
import dev.holdfast.token.RevocationList;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SharedSetupTest {

    static Settings settings(Map<String, String> contextParams) throws ConfigException {
        return new SettingsReader(Map.of(), Map.of(), Map.of(), contextParams, "test").read(SettingsReader.Purpose.FILTER);
    }

    @Test
    void withoutARedisUrlEverythingStaysOnThisNode() throws Exception {
        RevocationList local = new RevocationList(Clock.systemUTC());
        try (SharedSetup shared = SharedSetup.open(settings(Map.of("holdfast.jwt.secret", TestSecrets.hmacSetting())),
                local, Clock.systemUTC())) {
            assertSame(local, shared.revoker());
            assertSame(FleetFailures.NONE, shared.failures());
            assertEquals(Optional.empty(), shared.credentialStore());
            assertEquals(Optional.empty(), shared.status());
        }
    }

    @Test
    void withoutARedisUrlNoRedisClassIsLoaded() throws Exception {
        // Holdfast's classes loaded afresh by a loader of their own, whose parent notes every class asked for.
        List<String> asked = new CopyOnWriteArrayList<>();
        ClassLoader noting = new ClassLoader(SharedSetupTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                if (name.startsWith("dev.holdfast.")) {
                    throw new ClassNotFoundException(name); // the child loads these itself
                }
                return super.loadClass(name, resolve);
            }
        };
        Path classes = Paths.get("target/classes");
        Path testClasses = Paths.get("target/test-classes");
        try (URLClassLoader fresh = new URLClassLoader(new URL[] {classes.toUri().toURL(), testClasses.toUri().toURL()}, noting)) {
            @SuppressWarnings("unchecked")
            Callable<String> probe = (Callable<String>) fresh.loadClass(OffProbe.class.getName()).getDeclaredConstructor().newInstance();
            assertEquals("local", probe.call());
        }
        assertTrue(asked.stream().anyMatch(name -> name.startsWith("dev.holdfast.")), "the probe ran in the fresh loader");
        assertFalse(asked.stream().anyMatch(name -> name.startsWith("redis.") || name.startsWith("org.json")
                || name.startsWith("com.google.gson")), "Redis classes asked for: " + asked);
    }

    /** Runs inside the fresh loader: the listener's path through SharedSetup without a URL. */
    public static final class OffProbe implements Callable<String> {
        @Override
        public String call() throws Exception {
            RevocationList local = new RevocationList(Clock.systemUTC());
            try (SharedSetup shared = SharedSetup.open(settings(Map.of("holdfast.jwt.secret", TestSecrets.hmacSetting())),
                    local, Clock.systemUTC())) {
                shared.failures();
                shared.status();
                shared.credentialStore();
                return shared.revoker() == local ? "local" : "shared";
            }
        }
    }

    @Test
    void everyNodeWithTheSameSecretDerivesTheSameNameKeyAndNeverTheSecretItself() throws Exception {
        String signing = TestSecrets.hmacSetting();
        Settings one = settings(Map.of("holdfast.jwt.secret", signing));
        Settings other = settings(Map.of("holdfast.jwt.secret", signing));
        byte[] fromSigning = SharedSetup.nameKey(one, Tokens.from(one, Clock.systemUTC()).keys);
        assertArrayEquals(fromSigning, SharedSetup.nameKey(other, Tokens.from(other, Clock.systemUTC()).keys));
        Keys keys = Tokens.from(one, Clock.systemUTC()).keys;
        assertFalse(Arrays.equals(fromSigning, keys.deriveSubkey(CredentialTier.SHARED_SUBKEY_PURPOSE)),
                "not the key the shared tier is sealed under");

        String shared = TestSecrets.hmacSetting();
        Settings withSharedKey = settings(Map.of("holdfast.jwt.secret", TestSecrets.hmacSetting(), "holdfast.cache.sharedKey", shared));
        Settings otherSigningKey = settings(Map.of("holdfast.jwt.secret", TestSecrets.hmacSetting(), "holdfast.cache.sharedKey", shared));
        byte[] fromShared = SharedSetup.nameKey(withSharedKey, Tokens.from(withSharedKey, Clock.systemUTC()).keys);
        assertArrayEquals(fromShared, SharedSetup.nameKey(otherSigningKey, Tokens.from(otherSigningKey, Clock.systemUTC()).keys),
                "cache.sharedKey decides, whatever each node signs with");
        byte[] sharedBytes = Base64.getDecoder().decode(shared.substring("base64:".length()));
        assertFalse(Arrays.equals(fromShared, sharedBytes), "a subkey, not cache.sharedKey itself");
        assertEquals(32, fromShared.length);
    }

    @Test
    void theDefaultNamespaceFollowsIssuerAndAudience() {
        String shop = SharedConfig.defaultNamespace("holdfast", Optional.of("shop"));
        assertEquals(shop, SharedConfig.defaultNamespace("holdfast", Optional.of("shop")));
        assertFalse(shop.equals(SharedConfig.defaultNamespace("holdfast", Optional.of("crm"))));
        assertFalse(shop.equals(SharedConfig.defaultNamespace("holdfast", Optional.empty())));
        assertTrue(shop.matches("[A-Za-z0-9._-]{1,64}"), shop);
    }
}
