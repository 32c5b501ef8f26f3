package io.neurowatch.analyzers.invert;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * A boolean formula over concept literals, normalised the way sympy 1.11 normalises the reference's formulas, with
 * sympy's printed form as the canonical string.
 *
 * <p>Normalisation (spec invert.md §3.4): nested nodes of the same operator are flattened, identical arguments are
 * de-duplicated, and a node left with one argument becomes that argument. There is deliberately no absorption,
 * contradiction or tautology rule: {@code a & (a | b)} and {@code a & ~a} stay as they are, exactly as in sympy.
 *
 * <p>Arguments are kept sorted by {@link #ORDER}, so two formulas are equal (by {@code equals}) iff their canonical
 * strings are equal. Instances are immutable.
 */
public sealed interface Formula permits Formula.Sym, Formula.Not, Formula.Nary {

    /** Sympy's sort key: node count, then class (Symbol < And < Not < Or), then arity, then arguments. */
    Comparator<Formula> ORDER = Formula::compareCanonical;

    /** Nodes in the tree: a symbol is 1, a negation 2, an operator 1 plus its children. */
    int nodeCount();

    /** Number of literals (leaves), counting {@code ~c} once. */
    int literals();

    /** Distinct concept ids, sorted by code point. */
    default List<String> conceptIds() {
        TreeSet<String> ids = new TreeSet<>(Formula::compareCodePoints);
        collectIds(ids);
        return List.copyOf(ids);
    }

    /** Adds the ids of this formula's symbols to {@code out}. */
    void collectIds(java.util.Collection<String> out);

    /** Sympy's {@code str()} of the formula: {@code " & "}, {@code " | "}, {@code "~"}, compound args parenthesised. */
    default String canonical() {
        return render(Sym::id);
    }

    /**
     * The canonical layout with each symbol printed by {@code name} (for example human-readable concept names).
     * Argument order stays that of the ids, so the result is stable.
     */
    String render(java.util.function.Function<Sym, String> name);

    /** A concept symbol; {@code index} is its label column, {@code id} its printed name. */
    record Sym(int index, String id) implements Formula {
        @Override
        public int nodeCount() {
            return 1;
        }

        @Override
        public int literals() {
            return 1;
        }

        @Override
        public void collectIds(java.util.Collection<String> out) {
            out.add(id);
        }

        @Override
        public String render(java.util.function.Function<Sym, String> name) {
            return name.apply(this);
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** Negation; only symbols are negated in INVERT formulas. */
    record Not(Sym sym) implements Formula {
        @Override
        public int nodeCount() {
            return 2;
        }

        @Override
        public int literals() {
            return 1;
        }

        @Override
        public void collectIds(java.util.Collection<String> out) {
            out.add(sym.id());
        }

        @Override
        public String render(java.util.function.Function<Sym, String> name) {
            return "~" + name.apply(sym);
        }

        @Override
        public String toString() {
            return canonical();
        }
    }

    /** An operator node (AND or OR) over two or more arguments in canonical order. */
    sealed interface Nary extends Formula permits And, Or {
        List<Formula> args();

        /** The printed operator, with its spaces. */
        String operator();

        @Override
        default int nodeCount() {
            return 1 + args().stream().mapToInt(Formula::nodeCount).sum();
        }

        @Override
        default int literals() {
            return args().stream().mapToInt(Formula::literals).sum();
        }

        @Override
        default void collectIds(java.util.Collection<String> out) {
            args().forEach(a -> a.collectIds(out));
        }

        @Override
        default String render(java.util.function.Function<Sym, String> name) {
            return join(args(), operator(), name);
        }
    }

    /** Conjunction. */
    record And(List<Formula> args) implements Nary {
        public And {
            args = List.copyOf(args);
        }

        @Override
        public String operator() {
            return " & ";
        }

        @Override
        public String toString() {
            return canonical();
        }
    }

    /** Disjunction. */
    record Or(List<Formula> args) implements Nary {
        public Or {
            args = List.copyOf(args);
        }

        @Override
        public String operator() {
            return " | ";
        }

        @Override
        public String toString() {
            return canonical();
        }
    }

    static Sym sym(int index, String id) {
        return new Sym(index, id);
    }

    static Not not(Sym s) {
        return new Not(s);
    }

    /** {@code left & right}, normalised. */
    static Formula and(Formula left, Formula right) {
        return combine(true, left, right);
    }

    /** {@code left | right}, normalised. */
    static Formula or(Formula left, Formula right) {
        return combine(false, left, right);
    }

    private static Formula combine(boolean isAnd, Formula left, Formula right) {
        TreeSet<Formula> args = new TreeSet<>(ORDER);
        addFlattened(isAnd, left, args);
        addFlattened(isAnd, right, args);
        if (args.size() == 1) {
            return args.first();
        }
        List<Formula> list = new ArrayList<>(args);
        return isAnd ? new And(list) : new Or(list);
    }

    private static void addFlattened(boolean isAnd, Formula f, TreeSet<Formula> out) {
        if (isAnd && f instanceof And a) {
            out.addAll(a.args());
        } else if (!isAnd && f instanceof Or o) {
            out.addAll(o.args());
        } else {
            out.add(f);
        }
    }

    private static String join(List<Formula> args, String op, java.util.function.Function<Sym, String> name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                sb.append(op);
            }
            Formula a = args.get(i);
            boolean compound = a instanceof Nary;
            if (compound) {
                sb.append('(');
            }
            sb.append(a.render(name));
            if (compound) {
                sb.append(')');
            }
        }
        return sb.toString();
    }

    private static int classRank(Formula f) {
        if (f instanceof Sym) {
            return 0;
        } else if (f instanceof And) {
            return 1;
        } else if (f instanceof Not) {
            return 2;
        }
        return 3;
    }

    private static List<Formula> argsOf(Formula f) {
        if (f instanceof Nary n) {
            return n.args();
        } else if (f instanceof Not n) {
            return List.of(n.sym());
        }
        return List.of();
    }

    /** Total order equal to sympy 1.11's printing order of boolean arguments (spec §3.4). */
    static int compareCanonical(Formula a, Formula b) {
        int c = Integer.compare(a.nodeCount(), b.nodeCount());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(classRank(a), classRank(b));
        if (c != 0) {
            return c;
        }
        if (a instanceof Sym sa && b instanceof Sym sb) {
            return compareCodePoints(sa.id(), sb.id());
        }
        List<Formula> x = argsOf(a);
        List<Formula> y = argsOf(b);
        c = Integer.compare(x.size(), y.size());
        if (c != 0) {
            return c;
        }
        for (int i = 0; i < x.size(); i++) {
            c = compareCanonical(x.get(i), y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Unicode code-point order (Python's str order), not Java's UTF-16 unit order. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
