package dev.holdfast.token;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * Makes signing keys for {@code holdfast.jwt.secret} and {@code holdfast.jwt.keys}, and rotates a JWK Set.
 *
 * <pre>
 * java -cp 'holdfast-lib/*' dev.holdfast.token.GenerateKeyCommand hmac                 &gt; jwt.secret
 * java -cp 'holdfast-lib/*' dev.holdfast.token.GenerateKeyCommand es256                &gt; jwks.json
 * java -cp 'holdfast-lib/*' dev.holdfast.token.GenerateKeyCommand rotate ed25519 jwks.json &gt; jwks-new.json
 * java -cp 'holdfast-lib/*' dev.holdfast.token.GenerateKeyCommand add es256 jwks.json     &gt; jwks-1.json   (several nodes: step 1)
 * java -cp 'holdfast-lib/*' dev.holdfast.token.GenerateKeyCommand promote &lt;kid&gt; jwks-1.json &gt; jwks-2.json     (step 2)
 * java -cp 'holdfast-lib/*' dev.holdfast.token.GenerateKeyCommand retire &lt;kid&gt; jwks-2.json  &gt; jwks-3.json     (step 3)
 * java -cp 'holdfast-lib/*' dev.holdfast.token.GenerateKeyCommand public jwks.json     (the public half, to check)
 * java -cp 'holdfast-lib/*' dev.holdfast.token.GenerateKeyCommand kid jwt.secret        (the kid another issuer may send)
 * </pre>
 *
 * Types: {@code hmac} (48 random bytes as {@code base64:...}), {@code rs256} (RSA 3072), {@code es256}
 * (P-256), {@code ed25519}. {@code rotate} puts the new key first (it signs from the next deploy) and keeps
 * the old ones after it (they still verify tokens issued before); drop an old key once {@code jwt.ttl} has
 * passed. That is safe for one node only: with several, a node restarted first signs with a key the others do
 * not know yet. A fleet rotates in three steps, each rolled out to every node before the next:
 * {@code add} puts the new key last (it verifies, nothing is signed with it), {@code promote} moves a key to
 * the front (it signs), {@code retire} removes a key once {@code jwt.ttl} plus {@code jwt.clockSkew} have passed
 * since the last node stopped signing with it. {@code add} prints the new key's {@code kid} on standard error.
 * Output goes to standard output only, so the key never lands in a shell history or a log.
 *
 * <p>Another issuer that signs with the same secret (or with a key of the JWK Set) can name Holdfast's key:
 * {@code kid} prints the {@code kid} Holdfast derives for a secret file (in the {@code jwt.secret} form: text
 * or {@code base64:...}), and a JWK Set's keys carry theirs ({@code public} shows them). Naming it is optional
 * while exactly one key fits the token's algorithm, unless {@code jwt.requireKid} is set.
 * Exit codes: 0 done, 2 usage or unreadable input.
 */
public final class GenerateKeyCommand {
    static final int OK = 0;
    static final int USAGE = 2;
    private static final String USAGE_TEXT = "usage: GenerateKeyCommand hmac|rs256|es256|ed25519"
            + " | rotate rs256|es256|ed25519 <jwks.json> | add rs256|es256|ed25519 <jwks.json>"
            + " | promote <kid> <jwks.json> | retire <kid> <jwks.json> | public <jwks.json> | kid <secret-file>";
    private static final int HMAC_BYTES = 48;
    private static final int RSA_BITS = 3072;

    private GenerateKeyCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        try {
            String command = args[0].toLowerCase(Locale.ROOT);
            if (command.equals("hmac") && args.length == 1) {
                byte[] secret = new byte[HMAC_BYTES];
                new SecureRandom().nextBytes(secret);
                out.println("base64:" + Base64.getEncoder().encodeToString(secret));
                return OK;
            }
            if (command.equals("rotate") && args.length == 3) {
                List<JsonWebKey> keys = new ArrayList<>();
                keys.add(generate(args[1]));
                keys.addAll(read(args[2]).getJsonWebKeys());
                out.println(new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
                return OK;
            }
            if (command.equals("add") && args.length == 3) {
                List<JsonWebKey> keys = new ArrayList<>(read(args[2]).getJsonWebKeys());
                PublicJsonWebKey added = generate(args[1]);
                keys.add(added);
                out.println(new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
                err.println("added kid " + added.getKeyId() + " (verifies only; promote it once every node has it)");
                return OK;
            }
            if (command.equals("promote") && args.length == 3) {
                List<JsonWebKey> keys = new ArrayList<>(read(args[2]).getJsonWebKeys());
                JsonWebKey promoted = named(keys, args[1]);
                keys.remove(promoted);
                keys.add(0, promoted);
                out.println(new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
                return OK;
            }
            if (command.equals("retire") && args.length == 3) {
                List<JsonWebKey> keys = new ArrayList<>(read(args[2]).getJsonWebKeys());
                JsonWebKey retired = named(keys, args[1]);
                if (keys.indexOf(retired) == 0) {
                    throw new IllegalArgumentException("kid [" + args[1] + "] signs (it is first); promote another key"
                            + " and wait jwt.ttl plus jwt.clockSkew before retiring it");
                }
                keys.remove(retired);
                out.println(new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
                return OK;
            }
            if (command.equals("kid") && args.length == 2) {
                String text = new String(Files.readAllBytes(Paths.get(args[1])), StandardCharsets.UTF_8).trim();
                byte[] secret = text.startsWith("base64:")
                        ? Base64.getDecoder().decode(text.substring("base64:".length()))
                        : text.getBytes(StandardCharsets.UTF_8);
                out.println(Keys.hmac(secret).signing().kid);
                return OK;
            }
            if (command.equals("public") && args.length == 2) {
                out.println(read(args[1]).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
                return OK;
            }
            if (args.length == 1) {
                out.println(new JsonWebKeySet(generate(command)).toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
                return OK;
            }
        } catch (IllegalArgumentException e) {
            err.println("GenerateKeyCommand: " + e.getMessage());
            return USAGE;
        } catch (IOException | JoseException e) {
            err.println("GenerateKeyCommand: cannot read the JWK Set: " + e.getClass().getSimpleName());
            return USAGE;
        }
        err.println(USAGE_TEXT);
        return USAGE;
    }

    private static PublicJsonWebKey generate(String type) throws JoseException {
        PublicJsonWebKey key;
        switch (type.toLowerCase(Locale.ROOT)) {
            case "rs256":
                key = RsaJwkGenerator.generateJwk(RSA_BITS);
                key.setAlgorithm("RS256");
                break;
            case "es256":
                key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
                key.setAlgorithm("ES256");
                break;
            case "ed25519":
                key = OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519);
                key.setAlgorithm("EdDSA");
                break;
            default:
                throw new IllegalArgumentException("unknown key type [" + type + "]; use rs256, es256 or ed25519");
        }
        key.setUse("sig");
        // The RFC 7638 thumbprint: the same kid Holdfast would compute, stable across rotations.
        key.setKeyId(key.calculateBase64urlEncodedThumbprint("SHA-256"));
        return key;
    }

    private static JsonWebKey named(List<JsonWebKey> keys, String kid) {
        for (JsonWebKey key : keys) {
            if (kid.equals(key.getKeyId())) {
                return key;
            }
        }
        throw new IllegalArgumentException("no key with kid [" + kid + "] in the JWK Set; `public` lists the kids");
    }

    private static JsonWebKeySet read(String file) throws IOException, JoseException {
        return new JsonWebKeySet(new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.UTF_8));
    }
}
