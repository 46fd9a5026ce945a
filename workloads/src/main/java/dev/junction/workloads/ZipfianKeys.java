package dev.junction.workloads;

import java.util.SplittableRandom;

/**
 * Zipfian ranks over {@code [0, n)} as YCSB draws them (Gray et al., "Quickly generating billion-record synthetic
 * databases", YCSB's {@code ZipfianGenerator}, constant 0.99), each rank mapped to a key by a fixed permutation
 * ({@code rank × 7919 mod n}) so that the hot keys are spread over the key space instead of all at its start, where
 * every scan would cover them. Unlike YCSB's scrambled generator, which hashes ranks drawn over ten billion items, this
 * keeps the exact zipfian popularity over {@code n} keys: the hottest of 2,000 keys takes about 12 % of draws.
 */
final class ZipfianKeys {
    private static final double THETA = 0.99;
    private static final long SPREAD = 7919; // a prime: a permutation of [0, n) whenever n is not a multiple of it

    private final int n;
    private final double zetan;
    private final double alpha;
    private final double eta;

    ZipfianKeys(int n) {
        if (n % SPREAD == 0) {
            throw new IllegalArgumentException("n = " + n + " is a multiple of " + SPREAD + ": choose another size");
        }
        this.n = n;
        this.zetan = zeta(n);
        this.alpha = 1.0 / (1.0 - THETA);
        this.eta = (1 - Math.pow(2.0 / n, 1 - THETA)) / (1 - zeta(2) / zetan);
    }

    private static double zeta(long n) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += 1 / Math.pow(i, THETA);
        }
        return sum;
    }

    int next(SplittableRandom random) {
        double u = random.nextDouble();
        double uz = u * zetan;
        long rank;
        if (uz < 1.0) {
            rank = 0;
        } else if (uz < 1.0 + Math.pow(0.5, THETA)) {
            rank = 1;
        } else {
            rank = Math.min(n - 1, (long) (n * Math.pow(eta * u - eta + 1, alpha)));
        }
        return (int) (rank * SPREAD % n);
    }
}
