package dev.holdfast.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many threads verifying at once share pooled buffers, MACs and digests and one cache: every answer must still be
 * the answer for that thread's own token (a buffer handed to two threads would mix their tokens up).
 */
class ConcurrentVerificationTest {

    static final Clock CLOCK = Clock.fixed(Forge.NOW, ZoneOffset.UTC);

    @Test
    void everyThreadGetsTheAnswerForItsOwnToken() throws Exception {
        for (int cacheEntries : new int[] {0, 16}) { // 16: smaller than the token set, so eviction runs too
            TokenVerifier verifier = new TokenVerifier(Keys.hmac(Forge.SECRET), "holdfast", Optional.empty(), Duration.ofHours(1),
                    Duration.ofSeconds(30), new RevocationList(CLOCK), CLOCK, false, cacheEntries);
            List<String> tokens = new ArrayList<>();
            List<String> subjects = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String subject = "user-" + i;
                String valid = Forge.hs(Forge.claims().replace("alice", subject).replace("jti-1", "jti-" + i));
                tokens.add(valid);
                subjects.add(subject);
                tokens.add(Forge.jws(Forge.hsHeader(), Forge.claims().replace("alice", subject), Forge.hmac(new byte[32])));
                subjects.add(null); // forged: refused
            }
            int threads = 8;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int offset = t;
                    results.add(pool.submit(() -> {
                        start.await();
                        int checked = 0;
                        for (int n = 0; n < 3_000; n++) {
                            int i = (n * 7 + offset * 13) % tokens.size();
                            Verification v = verifier.verify(tokens.get(i));
                            String expected = subjects.get(i);
                            String actual = v.token().map(VerifiedToken::subject).orElse(null);
                            if (expected == null ? v.rejection().orElseThrow() != Rejection.BAD_SIGNATURE : !expected.equals(actual)) {
                                throw new AssertionError("token " + i + ": expected " + expected + ", got " + v);
                            }
                            checked++;
                        }
                        return checked;
                    }));
                }
                start.countDown();
                for (Future<Integer> result : results) {
                    assertEquals(3_000, result.get(2, TimeUnit.MINUTES));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
