package io.neurowatch.analyzers.invert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class FormulaTest {
    private static Formula.Sym s(String id) {
        return Formula.sym(id.hashCode(), id);
    }

    @Test
    void printsInSympyOrder() {
        Formula.Sym n01 = s("n01");
        Formula.Sym n02 = s("n02");
        Formula.Sym n03 = s("n03");
        Formula.Sym n04 = s("n04");
        Formula.Sym zz = s("zz");
        assertEquals("~n03 & (n01 | n02)", Formula.and(Formula.or(n01, n02), Formula.not(n03)).canonical());
        assertEquals("n02 | (n01 & ~n03)", Formula.or(Formula.and(n01, Formula.not(n03)), n02).canonical());
        Formula big = Formula.and(Formula.and(n01, n02), n03);
        assertEquals("(n04 & zz) | (n01 & n02 & n03)", Formula.or(big, Formula.and(zz, n04)).canonical());
        assertEquals("n02883344 & ~n03710193 & ~n03908618", Formula.and(
                Formula.and(Formula.not(s("n03908618")), s("n02883344")), Formula.not(s("n03710193"))).canonical());
    }

    @Test
    void flattensAndDeduplicatesButDoesNotAbsorb() {
        Formula.Sym a = s("a");
        Formula.Sym b = s("b");
        Formula.Sym c = s("c");
        assertEquals("a & b & c", Formula.and(Formula.and(a, b), c).canonical());
        assertEquals("a & b", Formula.and(Formula.and(a, b), a).canonical());
        assertEquals(a, Formula.and(a, a));
        assertEquals("a & (a | b)", Formula.and(Formula.or(a, b), a).canonical());
        assertEquals("a & ~a", Formula.and(a, Formula.not(a)).canonical());
        assertEquals("a | ~a", Formula.or(Formula.not(a), a).canonical());
        assertEquals(5, Formula.and(Formula.or(a, b), c).nodeCount());
    }

    @Test
    void equalityFollowsNormalForm() {
        Formula.Sym a = s("a");
        Formula.Sym b = s("b");
        Formula.Sym c = s("c");
        assertEquals(Formula.and(Formula.and(a, b), c), Formula.and(Formula.and(c, a), b));
        assertNotEquals(Formula.and(a, b), Formula.or(a, b));
        assertEquals(3, Formula.and(Formula.and(a, Formula.not(b)), c).literals());
        assertEquals(List.of("a", "b", "c"), Formula.and(Formula.and(c, Formula.not(b)), a).conceptIds());
    }

    @Test
    void comparesNamesByCodePointNotUtf16Unit() {
        // U+FF5E (fullwidth tilde) is one UTF-16 unit above the surrogates of U+1F600, but below it by code point.
        String high = new String(Character.toChars(0x1F600));
        String mid = "\uFF5E";
        assertEquals(mid + " & " + high, Formula.and(s(high), s(mid)).canonical());
    }
}
