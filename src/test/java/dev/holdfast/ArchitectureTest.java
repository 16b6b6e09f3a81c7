package dev.holdfast;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the main code, read from the compiled classes: which types each package makes public, that no
 * feature package reaches up into the root package (the servlets, the filter and the composition root), and
 * which feature packages each may use. A new package, a new public type or a new dependency between packages
 * is one line below, and a reviewed one.
 *
 * <p>Plain JUnit, no ArchUnit: the class files' constant pools name every class a class refers to (its own
 * code, signatures and descriptors), which is all three rules need: a few dozen lines instead of a dependency.
 */
class ArchitectureTest {

    /** "" is the root package: the composition root, the servlets, the filter and the app-facing API. */
    private static final String ROOT = "";

    /** The public top-level types of each package; everything else in it is package-private. */
    private static final Map<String, Set<String>> PUBLIC_TYPES = Map.ofEntries(
            entry(ROOT, Set.of("CriticalWrites", "WriteResult", "WritesUnavailableException", "HoldfastListener",
                    "JwtAuthFilter", "LoginServlet", "LogoutServlet", "EmergencyLoginServlet", "HealthServlet",
                    "JwksServlet", "MetricsServlet")),
            entry("audit", Set.of("AuditEvent", "AuditLog")),
            entry("config", Set.of("Cidr", "ConfigException", "RedisUrl", "Secret", "Setting", "Settings",
                    "SettingsReader", "UrlCredentials")),
            entry("credential", Set.of("CredentialQueryException", "CredentialTier", "SharedCredentialStore",
                    "SqlCredentialStore", "SqlHashUpdate", "StoredCredential")),
            entry("db", Set.of("Breaker", "DatabaseUnavailableException", "FailureClassifier", "GuardedDatabase",
                    "PoolSettings", "PoolSnapshot", "Pools", "SqlWork")),
            entry("files", Set.of("PrivateDirectory", "UnsafeDirectoryException")),
            entry("health", Set.of("HealthReport")),
            entry("json", Set.of("Json")),
            entry("logging", Set.of("RateLimitedLog")),
            entry("login", Set.of("FleetFailures", "LoginObserver", "LoginOutcome", "LoginService", "PasswordUpgrades",
                    "Throttle", "Tier")),
            entry("metrics", Set.of("HoldfastMetrics", "LoginMeters")),
            entry("password", Set.of("HashPasswordCommand", "HashPolicy", "PasswordVerifier")),
            entry("shared", Set.of("SharedConfig", "SharedState", "SharedStatus")),
            entry("spool", Set.of("AppliedWrites", "Authenticity", "Journal", "JournalFullException", "JournalKey",
                    "JournalRecord", "Spool", "SpoolCommand", "SpooledStatement")),
            entry("token", Set.of("GenerateKeyCommand", "IssuedToken", "Keys", "Rejection", "RevocationList",
                    "Revoker", "TokenIssuer", "TokenVerifier", "Verification", "VerifiedToken")),
            // Html, ResponseHeaders, SafeRedirects: the JSPs (login page, demo pages) use them, unseen here
            entry("web", Set.of("AuthenticatedRequest", "BearerTokens", "Challenge", "ClientNetworks", "FilterCounts", "Html",
                    "JsonReplies", "LoginEndpoint", "LogoutEndpoint", "PathPatterns", "RequestBodies",
                    "ResponseHeaders", "SafeRedirects", "SameOrigin", "TokenCookies", "TrustedProxies")));

    /**
     * The feature packages each feature package may use. Only downwards: the lists form no cycle (checked), and
     * the root package, which may use them all, is in none of them.
     */
    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            entry("config", Set.of()),
            entry("files", Set.of()),
            entry("json", Set.of()),
            entry("logging", Set.of()),
            entry("password", Set.of()),
            entry("db", Set.of("config")),
            entry("token", Set.of("config", "json", "logging")),
            entry("credential", Set.of("db", "files", "logging")),
            // SpoolCommand derives the journal key from a token key, as the listener does
            entry("spool", Set.of("db", "files", "json", "token")),
            entry("audit", Set.of("json", "spool")),
            entry("login", Set.of("audit", "credential", "db", "password")),
            entry("health", Set.of("credential", "db", "json", "shared", "spool")),
            // the web edge: requests in, logins and tokens; never a database
            entry("web", Set.of("config", "json", "login", "token")),
            // the Redis side of revocations, throttle counts and the credential tier's store
            entry("shared", Set.of("config", "credential", "db", "login", "token")),
            // observes the parts: reads their snapshots and counts, never changes them
            entry("metrics", Set.of("credential", "db", "login", "spool", "web")));

    private static final Pattern REFERENCE = Pattern.compile("dev/holdfast/(?:([a-z0-9_]+)/)?([A-Z][A-Za-z0-9_$]*)");

    private static final List<CompiledClass> CLASSES = new ArrayList<>();

    /** One main class as compiled: its package, its name and the packages of the Holdfast classes it names. */
    private static final class CompiledClass {
        final String pkg;
        final String name;
        final boolean isPublic;
        final boolean topLevel;
        final Set<String> referencedPackages = new TreeSet<>();

        CompiledClass(String pkg, String name, boolean isPublic) {
            this.pkg = pkg;
            this.name = name;
            this.isPublic = isPublic;
            this.topLevel = !name.contains("$");
        }

        @Override
        public String toString() {
            return (pkg.isEmpty() ? "" : pkg + ".") + name;
        }
    }

    @BeforeAll
    static void readTheMainClasses() throws IOException, URISyntaxException {
        Path classes = Paths.get(CriticalWrites.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(classes), "expected the main classes in a directory, found " + classes);
        Path base = classes.resolve("dev/holdfast");
        try (Stream<Path> files = Files.walk(base)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList())) {
                String relative = base.relativize(file).toString().replace('\\', '/');
                int slash = relative.lastIndexOf('/');
                String pkg = slash < 0 ? ROOT : relative.substring(0, slash).replace('/', '.');
                String name = relative.substring(slash + 1, relative.length() - ".class".length());
                try (InputStream in = Files.newInputStream(file)) {
                    CLASSES.add(read(new DataInputStream(in), pkg, name));
                }
            }
        }
        assertTrue(CLASSES.size() > 50, "found only " + CLASSES.size() + " classes under " + base);
    }

    /** Reads the constant pool (every class a class names is a UTF-8 entry in it) and the access flags. */
    private static CompiledClass read(DataInputStream in, String pkg, String name) throws IOException {
        in.readInt(); // magic
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        List<String> texts = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1: // Utf8
                    texts.add(in.readUTF());
                    break;
                case 5: // Long
                case 6: // Double: two slots
                    in.skipBytes(8);
                    i++;
                    break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                    in.skipBytes(4);
                    break;
                case 15: // MethodHandle
                    in.skipBytes(3);
                    break;
                case 7: case 8: case 16: case 19: case 20:
                    in.skipBytes(2);
                    break;
                default:
                    throw new IOException("constant pool tag " + tag + " in " + pkg + "." + name);
            }
        }
        boolean isPublic = (in.readUnsignedShort() & 0x0001) != 0;
        CompiledClass compiled = new CompiledClass(pkg, name, isPublic);
        for (String text : texts) {
            Matcher m = REFERENCE.matcher(text);
            while (m.find()) {
                compiled.referencedPackages.add(m.group(1) == null ? ROOT : m.group(1));
            }
        }
        compiled.referencedPackages.remove(pkg);
        return compiled;
    }

    @Test
    void everyPackageIsListed() {
        Set<String> packages = CLASSES.stream().map(c -> c.pkg).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(PUBLIC_TYPES.keySet()), packages,
                "each package needs a line in PUBLIC_TYPES (a stale class of a deleted source? mvn clean)");
        packages.remove(ROOT);
        assertEquals(new TreeSet<>(MAY_USE.keySet()), packages, "each feature package needs a line in MAY_USE");
    }

    @Test
    void eachPackageMakesPublicOnlyItsReviewedTypes() {
        Map<String, Set<String>> found = new TreeMap<>();
        for (CompiledClass c : CLASSES) {
            if (c.topLevel && c.isPublic) {
                found.computeIfAbsent(c.pkg, p -> new TreeSet<>()).add(c.name);
            }
        }
        for (Map.Entry<String, Set<String>> expected : PUBLIC_TYPES.entrySet()) {
            assertEquals(new TreeSet<>(expected.getValue()), found.getOrDefault(expected.getKey(), Set.of()),
                    "public types of package [" + expected.getKey() + "]");
        }
    }

    @Test
    void noFeaturePackageUsesTheRootPackage() {
        List<String> offenders = CLASSES.stream().filter(c -> !c.pkg.equals(ROOT) && c.referencedPackages.contains(ROOT))
                .map(CompiledClass::toString).collect(Collectors.toList());
        assertEquals(List.of(), offenders, "feature classes that use the root package");
    }

    @Test
    void featurePackagesUseOnlyThePackagesBelowThem() {
        List<String> offences = new ArrayList<>();
        for (CompiledClass c : CLASSES) {
            if (c.pkg.equals(ROOT)) {
                continue;
            }
            for (String used : c.referencedPackages) {
                if (!used.equals(ROOT) && !MAY_USE.getOrDefault(c.pkg, Set.of()).contains(used)) {
                    offences.add(c + " uses " + used);
                }
            }
        }
        assertEquals(List.of(), offences);
    }

    @Test
    void theAllowedDirectionsFormNoCycle() {
        for (String start : MAY_USE.keySet()) {
            Set<String> reached = new HashSet<>();
            List<String> frontier = new ArrayList<>(MAY_USE.get(start));
            while (!frontier.isEmpty()) {
                String next = frontier.remove(frontier.size() - 1);
                assertTrue(!next.equals(start), "package [" + start + "] may use itself through [" + next + "]");
                if (reached.add(next)) {
                    frontier.addAll(MAY_USE.getOrDefault(next, Set.of()));
                }
            }
        }
    }
}
