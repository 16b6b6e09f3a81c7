package dev.holdfast.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateKeyCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return GenerateKeyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8).trim();
    }

    @Test
    void kidPrintsTheKeyIdHoldfastUsesForASecretFile(@TempDir Path dir) throws Exception {
        assertEquals(0, run("hmac"));
        String secret = output();
        Path file = dir.resolve("jwt.secret");
        java.nio.file.Files.writeString(file, secret + "\n");
        assertEquals(0, run("kid", file.toString()));
        byte[] bytes = Base64.getDecoder().decode(secret.substring("base64:".length()));
        assertEquals(Keys.hmac(bytes).signing().kid, output());
        assertFalse(output().contains(secret.substring(7, 20)));
    }

    @Test
    void hmacSecretIsUsableAsJwtSecret() {
        assertEquals(0, run("hmac"));
        String value = output();
        assertTrue(value.startsWith("base64:"), value);
        byte[] secret = Base64.getDecoder().decode(value.substring("base64:".length()));
        assertEquals(48, secret.length);
        assertTrue(Keys.hmac(secret).canSign());
    }

    @Test
    void generatedKeySetsSignAndVerify() {
        for (String type : List.of("es256", "ed25519", "rs256")) {
            assertEquals(0, run(type), type);
            Keys keys = Keys.fromJwkSet(output());
            Clock clock = Clock.systemUTC();
            String token = new TokenIssuer(keys, "holdfast", Optional.empty(), clock)
                    .issue("alice", Optional.empty(), List.of("user"), "database", Duration.ofMinutes(5)).compact();
            Verification verification = new TokenVerifier(keys, "holdfast", Optional.empty(), Duration.ofHours(1),
                    Duration.ofSeconds(30), new RevocationList(clock), clock).verify(token);
            assertTrue(verification.isValid(), type + ": " + verification);
        }
    }

    @Test
    void rotatePutsTheNewKeyFirstAndKeepsTheOldOnesVerifying(@TempDir Path dir) throws Exception {
        assertEquals(0, run("es256"));
        Path old = Files.writeString(dir.resolve("old.json"), output());
        Keys oldKeys = Keys.fromJwkSet(Files.readString(old));
        Clock clock = Clock.systemUTC();
        String oldToken = new TokenIssuer(oldKeys, "holdfast", Optional.empty(), clock)
                .issue("alice", Optional.empty(), List.of(), "database", Duration.ofMinutes(5)).compact();

        assertEquals(0, run("rotate", "ed25519", old.toString()));
        String rotated = output();
        assertTrue(rotated.indexOf("\"OKP\"") < rotated.indexOf("\"EC\""), "the new key signs: it comes first");
        Keys newKeys = Keys.fromJwkSet(rotated);
        TokenVerifier verifier = new TokenVerifier(newKeys, "holdfast", Optional.empty(), Duration.ofHours(1),
                Duration.ofSeconds(30), new RevocationList(clock), clock);
        assertTrue(verifier.verify(oldToken).isValid(), "tokens signed before the rotation still verify");
    }

    /** The fleet's three steps: at no step does a node refuse a token another node (one step behind or ahead) signed. */
    @Test
    void addPromoteRetireKeepEveryNodeOneStepApartAcceptingTheOthersTokens(@TempDir Path dir) throws Exception {
        assertEquals(0, run("es256"));
        Path step0 = Files.writeString(dir.resolve("step0.json"), output());
        String oldKid = Keys.fromJwkSet(Files.readString(step0)).signing().kid;

        assertEquals(0, run("add", "es256", step0.toString()));
        Path step1 = Files.writeString(dir.resolve("step1.json"), output());
        String newKid = Keys.fromJwkSet(Files.readString(step1)).kids().stream().filter(kid -> !kid.equals(oldKid))
                .findFirst().orElseThrow();
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(newKid), "add names the new kid");
        assertEquals(oldKid, Keys.fromJwkSet(Files.readString(step1)).signing().kid, "an added key does not sign yet");

        assertEquals(0, run("promote", newKid, step1.toString()));
        Path step2 = Files.writeString(dir.resolve("step2.json"), output());
        assertEquals(newKid, Keys.fromJwkSet(Files.readString(step2)).signing().kid);

        assertEquals(2, run("retire", newKid, step2.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("signs (it is first)"), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, run("retire", oldKid, step2.toString()));
        Path step3 = Files.writeString(dir.resolve("step3.json"), output());
        assertEquals(java.util.Set.of(newKid), Keys.fromJwkSet(Files.readString(step3)).kids());

        List<Path> steps = List.of(step0, step1, step2, step3);
        for (int signer = 0; signer < steps.size(); signer++) {
            String token = token(Keys.fromJwkSet(Files.readString(steps.get(signer))));
            for (int verifier = Math.max(0, signer - 1); verifier <= Math.min(steps.size() - 1, signer + 1); verifier++) {
                assertTrue(verify(Keys.fromJwkSet(Files.readString(steps.get(verifier))), token),
                        "token of step " + signer + " at a node on step " + verifier);
            }
        }
        // Once the old key is retired (its tokens expired meanwhile), a node on the last step refuses what it signed.
        assertFalse(verify(Keys.fromJwkSet(Files.readString(step3)), token(Keys.fromJwkSet(Files.readString(step0)))),
                "an old-key token at a node on step 3");
        assertEquals(2, run("promote", "no-such-kid", step1.toString()));
    }

    private static String token(Keys keys) {
        return new TokenIssuer(keys, "holdfast", Optional.empty(), Clock.systemUTC())
                .issue("alice", Optional.empty(), List.of(), "database", Duration.ofMinutes(5)).compact();
    }

    private static boolean verify(Keys keys, String token) {
        Clock clock = Clock.systemUTC();
        return new TokenVerifier(keys, "holdfast", Optional.empty(), Duration.ofHours(1), Duration.ofSeconds(30),
                new RevocationList(clock), clock).verify(token).isValid();
    }

    @Test
    void publicPrintsNoPrivateParts(@TempDir Path dir) throws Exception {
        assertEquals(0, run("es256"));
        Path keys = Files.writeString(dir.resolve("keys.json"), output());
        assertEquals(0, run("public", keys.toString()));
        assertFalse(output().contains("\"d\""), output());
        assertTrue(output().contains("\"kid\""));
    }

    @Test
    void refusesUnknownTypesAndMissingFiles(@TempDir Path dir) {
        assertEquals(2, run("hs1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown key type [hs1]"));
        assertEquals(2, run("public", dir.resolve("missing.json").toString()));
        assertEquals("GenerateKeyCommand: cannot read the JWK Set: NoSuchFileException", err.toString(StandardCharsets.UTF_8).trim());
        assertEquals(2, run());
    }
}
