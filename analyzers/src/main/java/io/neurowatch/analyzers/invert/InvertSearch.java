package io.neurowatch.analyzers.invert;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The INVERT beam search for one unit at a time (spec invert.md §4), computed by the exact fast scheme of §8.2.
 *
 * <p>Every formula is summarised by its support size n and the doubled rank sum R of its samples; the AUROC follows
 * from (n, R) alone. The activations are sorted once per unit; each (beam entry, concept) pair costs one bitset
 * intersection, which serves all four candidates {@code F∧c, F∨c, F∧¬c, F∨¬c} by inclusion–exclusion. The beam is a
 * bounded top-B selection keyed by (metric, insertion order), which equals the reference's stable sort plus
 * truncation. Bitsets and formulas are materialised only for the ≤ B survivors of each length, so the inner loop
 * allocates nothing.
 *
 * <p>Instances hold per-unit scratch space and are not thread-safe: use one per worker thread. They share the
 * read-only {@link ConceptIndex}.
 */
final class InvertSearch {

    /** Outcome for one unit: the final beam, and with {@code memorize_states} the beam of every length. */
    record Result(List<Explanation> explanations, SortedMap<Integer, List<Explanation>> states) {
    }

    /** A formula in the beam, with everything needed to extend it. */
    private static final class Entry {
        final Formula formula;
        final long[] bits;
        final int[] members;
        final int n;
        final long r2;
        final long num;
        final long den;
        final float m32;
        final float t32;
        final int length;

        Entry(Formula formula, long[] bits, int[] members, int n, long r2, long num, long den, float m32, float t32,
              int length) {
            this.formula = formula;
            this.bits = bits;
            this.members = members;
            this.n = n;
            this.r2 = r2;
            this.num = num;
            this.den = den;
            this.m32 = m32;
            this.t32 = t32;
            this.length = length;
        }
    }

    /** Far more than the float32 AUROC's rounding error, far less than any meaningful difference. */
    private static final float COMPAT_MARGIN = 1e-5f;

    private final ConceptIndex labels;
    private final InvertParams params;
    private final int total;
    private final int concepts;
    private final int words;
    private final long tailMask;
    private final long nMin;
    private final long nMax;
    private final float min32;
    private final float max32;
    private final boolean exact;
    private final int sign;

    private final Midranks rawRanks = new Midranks();
    private final Midranks compatRanks = new Midranks();
    private double[] transformed = new double[0];
    private final TorchAuroc32 torchAuroc = new TorchAuroc32();
    private final long[] scratch;
    private Midranks aurocRanks;

    // Atom table, indexed by literal code k: k < C is concept k, k >= C is NOT concept k - C.
    private final int[] atomN;
    private final long[] atomR2;
    private final long[] atomNum;
    private final long[] atomDen;
    private final float[] atomM32;
    private final float[] atomT32;
    private final int[] sortedAtoms;
    private final int[] candidates;
    private int candidateCount;

    // Intersection cache of the beam entry being expanded, keyed by concept; gen avoids clearing it.
    private final int[] cacheGen;
    private final int[] cacheN;
    private final long[] cacheR2;
    private int gen;

    private final Top top;

    InvertSearch(ConceptIndex labels, InvertParams params) {
        this.labels = labels;
        this.params = params;
        params.validateFor(labels.concepts());
        this.total = labels.rows();
        this.concepts = labels.concepts();
        this.words = (total + 63) >>> 6;
        this.tailMask = (total & 63) == 0 ? -1L : (1L << (total & 63)) - 1;
        this.exact = !params.float32Compat();
        this.sign = params.mode() == Mode.POSITIVE ? 1 : -1;
        BigDecimal n = BigDecimal.valueOf(total);
        this.nMin = Math.max(1, new BigDecimal(params.minFraction()).multiply(n)
                .setScale(0, RoundingMode.CEILING).longValueExact());
        this.nMax = Math.min(total - 1L, new BigDecimal(params.maxFraction()).multiply(n)
                .setScale(0, RoundingMode.FLOOR).longValueExact());
        this.min32 = (float) params.minFraction();
        this.max32 = (float) params.maxFraction();
        int lits = 2 * concepts;
        atomN = new int[lits];
        atomR2 = new long[lits];
        atomNum = new long[lits];
        atomDen = new long[lits];
        atomM32 = new float[lits];
        atomT32 = new float[lits];
        sortedAtoms = new int[lits];
        candidates = new int[lits];
        cacheGen = new int[concepts];
        cacheN = new int[concepts];
        cacheR2 = new long[concepts];
        top = new Top(params.beamSize());
        scratch = new long[words];
    }

    /**
     * Explains one unit.
     *
     * @param activations N finite values (the caller rejects NaN and infinities)
     * @param float32 whether the values came from float32 data; selects the precision of the compat sigmoid
     */
    Result explain(double[] activations, boolean float32) {
        rawRanks.compute(activations, total);
        aurocRanks = aurocRanks(activations, float32);
        int[] rk = aurocRanks.rank2();
        computeAtoms(rk);

        List<Entry> beam = initialBeam();
        SortedMap<Integer, List<Explanation>> states = params.memorizeStates() ? new TreeMap<>() : null;
        if (beam.isEmpty()) {
            return new Result(List.of(), states == null ? null : Collections.unmodifiableSortedMap(states));
        }
        if (states != null) {
            states.put(1, toExplanations(beam, rk));
        }
        buildCandidates();
        for (int length = 2; length <= params.maxLength(); length++) {
            beam = expand(beam, length, rk);
            if (states != null) {
                states.put(length, toExplanations(beam, rk));
            }
        }
        List<Explanation> last = states != null ? states.get(states.lastKey()) : toExplanations(beam, rk);
        return new Result(last, states == null ? null : Collections.unmodifiableSortedMap(states));
    }

    /** Ranks for the AUROC: raw values, or their sigmoid where torchmetrics would apply it (quirk Q1). */
    private Midranks aurocRanks(double[] a, boolean float32) {
        if (!params.aurocCompat()) {
            return rawRanks;
        }
        boolean outside = false;
        for (int i = 0; i < total && !outside; i++) {
            outside = a[i] < 0 || a[i] > 1;
        }
        if (!outside) {
            return rawRanks;
        }
        if (transformed.length < total) {
            transformed = new double[total];
        }
        for (int i = 0; i < total; i++) {
            transformed[i] = float32 ? sigmoid32((float) a[i]) : 1.0 / (1.0 + Math.exp(-a[i]));
        }
        compatRanks.compute(transformed, total);
        return compatRanks;
    }

    /**
     * torch's float32 sigmoid on CPU: {@code 1 / (1 + exp(-x))} with every step rounded to float32. The rounding of
     * the sum is what merges nearby large activations into ties; a correctly rounded sigmoid would not.
     */
    static float sigmoid32(float x) {
        float e = (float) Math.exp(-x);
        return 1f / (1f + e);
    }

    private void computeAtoms(int[] rk) {
        long all2 = (long) total * (total + 1);
        for (int c = 0; c < concepts; c++) {
            int n = labels.count(c);
            long r2 = 0;
            int[] mem = labels.members(c);
            if (mem != null) {
                for (int row : mem) {
                    r2 += rk[row];
                }
            } else {
                long[] bits = labels.bits(c);
                for (int w = 0; w < words; w++) {
                    long x = bits[w];
                    int base = w << 6;
                    while (x != 0) {
                        r2 += rk[base | Long.numberOfTrailingZeros(x)];
                        x &= x - 1;
                    }
                }
            }
            int neg = c + concepts;
            atomN[c] = n;
            atomR2[c] = r2;
            atomNum[c] = Auroc.numerator(n, total, r2);
            atomDen[c] = Auroc.denominator(n, total);
            atomN[neg] = total - n;
            atomR2[neg] = all2 - r2;
            // The reference negates the metric and the fraction instead of recomputing them (explainer.py
            // l.119-121); identical under midranks except for degenerate concepts, where it gives 1, not 0.
            atomNum[neg] = atomDen[c] - atomNum[c];
            atomDen[neg] = atomDen[c];
            float m = exact ? (float) ((double) atomNum[c] / atomDen[c])
                    : torchAuroc.auroc(aurocRanks, labels.bits(c), n);
            float t = (float) n / (float) total;
            atomM32[c] = m;
            atomT32[c] = t;
            atomM32[neg] = 1f - m;
            atomT32[neg] = 1f - t;
        }
    }

    private List<Entry> initialBeam() {
        int lits = 2 * concepts;
        for (int k = 0; k < lits; k++) {
            sortedAtoms[k] = k;
        }
        IntSort.stableSort(sortedAtoms, lits, (a, b) -> -sign * compareMetric(
                atomNum[a], atomDen[a], atomM32[a], atomNum[b], atomDen[b], atomM32[b]));
        List<Entry> beam = new ArrayList<>(params.beamSize());
        for (int i = 0; i < lits && beam.size() < params.beamSize(); i++) {
            int k = sortedAtoms[i];
            boolean ok = exact ? admissible(atomN[k]) : admissible32(atomT32[k]);
            if (ok) {
                beam.add(atomEntry(k));
            }
        }
        return beam;
    }

    private Entry atomEntry(int k) {
        int c = k % concepts;
        boolean negated = k >= concepts;
        long[] bits;
        int[] members;
        if (negated) {
            long[] src = labels.bits(c);
            bits = new long[words];
            for (int w = 0; w < words; w++) {
                bits[w] = ~src[w];
            }
            bits[words - 1] &= tailMask;
            members = atomN[k] < words ? ConceptIndex.rowsOf(bits, atomN[k]) : null;
        } else {
            bits = labels.bits(c);
            members = labels.members(c);
        }
        Formula f = negated ? labels.negation(c) : labels.symbol(c);
        return new Entry(f, bits, members, atomN[k], atomR2[k], atomNum[k], atomDen[k], atomM32[k], atomT32[k], 1);
    }

    /** Right-hand literals: atoms in metric order, stably re-sorted by differentiability, truncated to K. */
    private void buildCandidates() {
        int lits = 2 * concepts;
        int[] byDelta = sortedAtoms.clone();
        IntSort.stableSort(byDelta, lits, (a, b) -> -compareDelta(a, b));
        int limit = params.limitSearch() < 0 ? lits : params.limitSearch();
        candidateCount = 0;
        for (int i = 0; i < lits && candidateCount < limit; i++) {
            int k = byDelta[i];
            int n = labels.count(k % concepts);
            if (!params.keepDegenerate() && (n == 0 || n == total)) {
                continue;
            }
            candidates[candidateCount++] = k;
        }
    }

    private List<Entry> expand(List<Entry> beam, int length, int[] rk) {
        top.reset(beam);
        long all2 = (long) total * (total + 1);
        int parents = Math.min(params.beamSize(), beam.size());
        for (int i = 0; i < parents; i++) {
            Entry f = beam.get(i);
            gen++;
            for (int j = 0; j < candidateCount; j++) {
                int k = candidates[j];
                int c = k % concepts;
                boolean negated = k >= concepts;
                if (cacheGen[c] != gen) {
                    intersect(f, c, rk);
                    cacheGen[c] = gen;
                }
                int nAnd = cacheN[c];
                long rAnd = cacheR2[c];
                int nc = labels.count(c);
                long rc = atomR2[c];
                int n;
                long r2;
                // AND first, then OR, as the reference appends them.
                if (negated) {
                    n = f.n - nAnd;
                    r2 = f.r2 - rAnd;
                } else {
                    n = nAnd;
                    r2 = rAnd;
                }
                offer(f, i, k, true, n, r2);
                if (negated) {
                    n = total - nc + nAnd;
                    r2 = all2 - rc + rAnd;
                } else {
                    n = f.n + nc - nAnd;
                    r2 = f.r2 + rc - rAnd;
                }
                offer(f, i, k, false, n, r2);
            }
        }
        return top.materialise(beam, length);
    }

    /**
     * Considers one candidate. Candidates arrive in the reference's append order, so the insertion order that
     * breaks metric ties is implicit.
     */
    private void offer(Entry parent, int parentIndex, int literal, boolean and, int n, long r2) {
        float t32 = 0;
        if (exact) {
            if (!admissible(n)) {
                return;
            }
        } else {
            t32 = (float) n / (float) total;
            if (!admissible32(t32)) {
                return;
            }
        }
        long num = Auroc.numerator(n, total, r2);
        long den = Auroc.denominator(n, total);
        float m32 = (float) ((double) num / den);
        if (!exact) {
            // The reference's float32 value is within a few ulps of the rounded exact one: emulate it only when
            // the candidate could matter.
            if (top.full() && sign * (m32 - top.worstM32()) < -COMPAT_MARGIN) {
                return;
            }
            m32 = torchAuroc.auroc(aurocRanks, candidateBits(parent, literal, and), n);
        }
        int pos = top.position(num, den, m32);
        if (pos < 0 || (params.pruneNoop() && n == parent.n)) {
            return;
        }
        if (!params.allowDuplicates() && top.hasDuplicate(n, r2, parent, literal, and)) {
            return;
        }
        top.insert(pos, parentIndex, literal, and, n, r2, num, den, m32, t32);
    }

    /** The candidate's support as a bitset, in scratch space. */
    private long[] candidateBits(Entry parent, int literal, boolean and) {
        long[] cb = labels.bits(literal % concepts);
        boolean negated = literal >= concepts;
        for (int w = 0; w < words; w++) {
            long lit = negated ? ~cb[w] : cb[w];
            scratch[w] = and ? parent.bits[w] & lit : parent.bits[w] | lit;
        }
        scratch[words - 1] &= tailMask;
        return scratch;
    }

    /** |F ∧ c| and its doubled rank sum, walking whichever of F and c is sparser. */
    private void intersect(Entry f, int c, int[] rk) {
        int n = 0;
        long r2 = 0;
        int[] mem = labels.members(c);
        long[] cb = labels.bits(c);
        if (f.members != null && (mem == null || f.members.length <= mem.length)) {
            for (int row : f.members) {
                if ((cb[row >>> 6] & (1L << row)) != 0) {
                    n++;
                    r2 += rk[row];
                }
            }
        } else if (mem != null) {
            long[] fb = f.bits;
            for (int row : mem) {
                if ((fb[row >>> 6] & (1L << row)) != 0) {
                    n++;
                    r2 += rk[row];
                }
            }
        } else {
            long[] fb = f.bits;
            for (int w = 0; w < words; w++) {
                long x = fb[w] & cb[w];
                if (x != 0) {
                    n += Long.bitCount(x);
                    int base = w << 6;
                    do {
                        r2 += rk[base | Long.numberOfTrailingZeros(x)];
                        x &= x - 1;
                    } while (x != 0);
                }
            }
        }
        cacheN[c] = n;
        cacheR2[c] = r2;
    }

    private boolean admissible(long n) {
        return n >= nMin && n <= nMax;
    }

    /** The reference's float32 test: min ≤ T ≤ max and 0 < T < 1, all in float32. */
    private boolean admissible32(float t) {
        return t >= min32 && t <= max32 && t > 0f && t < 1f;
    }

    private int compareMetric(long numA, long denA, float mA, long numB, long denB, float mB) {
        if (exact) {
            return Auroc.compare(numA, denA, numB, denB);
        }
        return mA < mB ? -1 : (mA > mB ? 1 : 0);
    }

    private int compareDelta(int a, int b) {
        if (exact) {
            return Auroc.compare(Math.abs(2 * atomNum[a] - atomDen[a]), atomDen[a],
                    Math.abs(2 * atomNum[b] - atomDen[b]), atomDen[b]);
        }
        return Float.compare(delta32(atomM32[a]), delta32(atomM32[b]));
    }

    /** fl32(2·|fl32(0.5 − m)|), as the reference computes differentiability. */
    private static float delta32(float m) {
        return 2f * Math.abs(0.5f - m);
    }

    private Formula literalFormula(int k) {
        return k >= concepts ? labels.negation(k - concepts) : labels.symbol(k);
    }

    private List<Explanation> toExplanations(List<Entry> beam, int[] rk) {
        List<Explanation> out = new ArrayList<>(beam.size());
        for (Entry e : beam) {
            long rawR2 = rk == rawRanks.rank2() ? e.r2 : rankSum(e.bits, rawRanks.rank2());
            double p = MannWhitney.pValue(e.n, total, rawR2, rawRanks.tieTerm(), rawRanks.hasTies(),
                    params.alternative());
            if (exact) {
                double auroc = (double) e.num / e.den;
                double delta = (double) Math.abs(2 * e.num - e.den) / e.den;
                out.add(new Explanation(e.formula, e.length, auroc, delta, (double) e.n / total, e.n, p));
            } else {
                out.add(new Explanation(e.formula, e.length, e.m32, delta32(e.m32), e.t32, e.n, p));
            }
        }
        return List.copyOf(out);
    }

    private long rankSum(long[] bits, int[] ranks) {
        long r2 = 0;
        for (int w = 0; w < words; w++) {
            long x = bits[w];
            int base = w << 6;
            while (x != 0) {
                r2 += ranks[base | Long.numberOfTrailingZeros(x)];
                x &= x - 1;
            }
        }
        return r2;
    }

    /**
     * The bounded top-B selection of one length: old beam entries first, then admissible candidates in the
     * reference's append order. A candidate enters only if strictly better than an occupant, so equal metrics keep
     * the earlier entry, exactly like a stable sort.
     */
    private final class Top {
        private final int capacity;
        private int size;
        private final Entry[] old;
        private final int[] parent;
        private final int[] literal;
        private final boolean[] and;
        private final int[] n;
        private final long[] r2;
        private final long[] num;
        private final long[] den;
        private final float[] m32;
        private final float[] t32;
        private final Formula[] formula;
        private List<Entry> parents;

        Top(int capacity) {
            this.capacity = capacity;
            old = new Entry[capacity];
            parent = new int[capacity];
            literal = new int[capacity];
            and = new boolean[capacity];
            n = new int[capacity];
            r2 = new long[capacity];
            num = new long[capacity];
            den = new long[capacity];
            m32 = new float[capacity];
            t32 = new float[capacity];
            formula = new Formula[capacity];
        }

        void reset(List<Entry> beam) {
            parents = beam;
            size = 0;
            for (Entry e : beam) {
                old[size] = e;
                n[size] = e.n;
                r2[size] = e.r2;
                num[size] = e.num;
                den[size] = e.den;
                m32[size] = e.m32;
                t32[size] = e.t32;
                formula[size] = e.formula;
                size++;
            }
        }

        boolean full() {
            return size == capacity;
        }

        float worstM32() {
            return m32[size - 1];
        }

        /** Insert position of a candidate with this metric, or -1 if it does not make the top B. */
        int position(long cNum, long cDen, float cM32) {
            for (int s = 0; s < size; s++) {
                if (sign * compareMetric(cNum, cDen, cM32, num[s], den[s], m32[s]) > 0) {
                    return s;
                }
            }
            return size < capacity ? size : -1;
        }

        /**
         * Whether an equal formula already sits in the top B. An equal formula has equal support and rank sum, so
         * only those occupants are compared structurally. Checking the top B suffices: a duplicate of an evicted
         * entry has the same metric and a later position, so it could not enter either.
         */
        boolean hasDuplicate(int cN, long cR2, Entry parentEntry, int lit, boolean isAnd) {
            Formula candidate = null;
            for (int s = 0; s < size; s++) {
                if (n[s] == cN && r2[s] == cR2) {
                    if (candidate == null) {
                        candidate = combine(parentEntry.formula, lit, isAnd);
                    }
                    if (formulaAt(s).equals(candidate)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private Formula formulaAt(int s) {
            if (formula[s] == null) {
                formula[s] = combine(parents.get(parent[s]).formula, literal[s], and[s]);
            }
            return formula[s];
        }

        void insert(int pos, int parentIndex, int lit, boolean isAnd, int cN, long cR2, long cNum, long cDen,
                    float cM32, float cT32) {
            int last = Math.min(size, capacity - 1);
            for (int s = last; s > pos; s--) {
                copy(s - 1, s);
            }
            old[pos] = null;
            parent[pos] = parentIndex;
            literal[pos] = lit;
            and[pos] = isAnd;
            n[pos] = cN;
            r2[pos] = cR2;
            num[pos] = cNum;
            den[pos] = cDen;
            m32[pos] = cM32;
            t32[pos] = cT32;
            formula[pos] = null;
            if (size < capacity) {
                size++;
            }
        }

        private void copy(int from, int to) {
            old[to] = old[from];
            parent[to] = parent[from];
            literal[to] = literal[from];
            and[to] = and[from];
            n[to] = n[from];
            r2[to] = r2[from];
            num[to] = num[from];
            den[to] = den[from];
            m32[to] = m32[from];
            t32[to] = t32[from];
            formula[to] = formula[from];
        }

        /** Builds bitsets and formulas for the survivors only. */
        List<Entry> materialise(List<Entry> beam, int length) {
            List<Entry> next = new ArrayList<>(size);
            for (int s = 0; s < size; s++) {
                if (old[s] != null) {
                    next.add(old[s]);
                    continue;
                }
                Entry p = beam.get(parent[s]);
                int c = literal[s] % concepts;
                boolean negated = literal[s] >= concepts;
                long[] cb = labels.bits(c);
                long[] bits = new long[words];
                for (int w = 0; w < words; w++) {
                    long lit = negated ? ~cb[w] : cb[w];
                    bits[w] = and[s] ? p.bits[w] & lit : p.bits[w] | lit;
                }
                bits[words - 1] &= tailMask;
                int[] members = n[s] < words ? ConceptIndex.rowsOf(bits, n[s]) : null;
                next.add(new Entry(formulaAt(s), bits, members, n[s], r2[s], num[s], den[s], m32[s], t32[s],
                        length));
            }
            for (int s = 0; s < capacity; s++) {
                old[s] = null;
                formula[s] = null;
            }
            return next;
        }
    }

    private Formula combine(Formula left, int lit, boolean isAnd) {
        Formula right = literalFormula(lit);
        return isAnd ? Formula.and(left, right) : Formula.or(left, right);
    }
}
